"""Every public form shows its errors one way (portal/templates/portal/forms/): one error summary
that takes the focus and links to each field in error, and each field tied to its hint and its
error message, so residents see one design and screen readers hear one pattern."""

import datetime
import re
from html.parser import HTMLParser

import pytest
import time_machine
from django import forms

from portal.models import DepartmentSettings
from programs.models import Event
from tests.factories import NeighborhoodFactory, StreetFactory
from tests.programs.factories import EventFactory
from tests.tips.factories import TipCategoryFactory

# A key for the tip line's encrypted fields (tips need one to take a tip).
TEST_KEY = "x3AwQx0Lw1nBlx6m4c6dwbm1nKpHqRYgB0tH0hHVp0Y="
HEADINGS = {"en": "Please correct the following", "es": "Corrija lo siguiente"}
OLD_HEADINGS = ("Please fix the following", "Por favor, corrija lo siguiente")


class _Elements(HTMLParser):
    """Each start tag of the page with its attributes, and the text of the summary's heading."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self._in_heading = False
        self.heading = ""

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        self._in_heading = attributes.get("id") == "error-summary-heading"

    def handle_endtag(self, tag):
        self._in_heading = False

    def handle_data(self, data):
        if self._in_heading:
            self.heading += data


def _parse(response) -> _Elements:
    parser = _Elements()
    parser.feed(response.content.decode())
    return parser


def assert_one_error_pattern(response, language="en"):
    page = _parse(response)
    html = response.content.decode()
    by_id = {attrs["id"]: (tag, attrs) for tag, attrs in page.elements if attrs.get("id")}

    summaries = [attrs for _, attrs in page.elements if "data-error-summary" in attrs]
    assert len(summaries) == 1, "one error summary"
    summary = summaries[0]
    assert summary["id"] == "error-summary"
    assert summary["role"] == "alert"
    assert summary["tabindex"] == "-1"
    assert summary["aria-labelledby"] == "error-summary-heading"
    assert page.heading.strip() == HEADINGS[language]
    assert not any(old in html for old in OLD_HEADINGS)

    errors = [attrs["id"] for _, attrs in page.elements if attrs.get("id", "").endswith("-error")]
    errors = [error for error in errors if "usa-error-message" in by_id[error][1].get("class", "")]
    assert errors, "the fields in error have an error message"
    links = {attrs["href"] for tag, attrs in page.elements if tag == "a" and "href" in attrs}
    for error in errors:
        field_id = error.removesuffix("-error")
        described = [
            (tag, attrs)
            for tag, attrs in page.elements
            if error in attrs.get("aria-describedby", "").split()
        ]
        assert described, f"nothing is described by {error}"
        for tag, attrs in described:
            ids = attrs["aria-describedby"].split()
            if f"{field_id}-hint" in by_id:
                assert ids == [f"{field_id}-hint", error], f"{field_id}: hint, then error"
            else:
                assert ids == [error]
            if tag == "fieldset":
                assert f"#{field_id}_0" in links, f"the summary links to {field_id}'s first option"
            else:
                assert attrs["id"] == field_id
                assert attrs.get("aria-invalid") == "true"
                assert f"#{field_id}" in links, f"the summary links to {field_id}"
    return page


def assert_hints_tied(response):
    """Without errors too: each hint is read with its field."""
    page = _parse(response)
    hints = [
        attrs["id"]
        for _, attrs in page.elements
        if attrs.get("id", "").endswith("-hint") and "usa-hint" in attrs.get("class", "")
    ]
    for hint in hints:
        assert any(
            hint in attrs.get("aria-describedby", "").split() for _, attrs in page.elements
        ), f"nothing is described by {hint}"


@pytest.fixture
def town(db):
    department = DepartmentSettings.get_solo()
    department.time_zone = "America/New_York"
    department.save()
    return StreetFactory(name="Chapel Street")


@pytest.fixture
def category(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FIELD_ENCRYPTION_KEYS = [TEST_KEY]
    return TipCategoryFactory(slug="atv", name_en="ATVs and dirt bikes", name_es="Cuatrimotos")


@pytest.mark.parametrize("language", ["en", "es"])
def test_tip_form_shows_the_one_error_pattern(client, category, language):
    prefix = "" if language == "en" else "/es"
    assert_hints_tied(client.get(f"{prefix}/tips/"))
    response = client.post(f"{prefix}/tips/", {"what": "", "where": "Corner of Oak and Fifth"})
    page = assert_one_error_pattern(response, language)
    assert "Corner of Oak and Fifth" in response.content.decode()
    # The category is a group of radios: its legend is the label, the fieldset is described.
    assert ("fieldset", {"class": "usa-fieldset", "aria-describedby": "id_category-error"}) in [
        (tag, attrs) for tag, attrs in page.elements if tag == "fieldset"
    ]


def test_tip_check_and_confirm_forms_show_the_one_error_pattern(client, category):
    assert_one_error_pattern(client.post("/tips/check/", {"number": "", "passphrase": ""}))
    sent = client.post("/tips/", {"category": category.pk, "what": "Bikes in the blue garage."})
    sealed = re.search(r'name="sealed" value="([^"]+)"', sent.content.decode()).group(1)
    assert_one_error_pattern(client.post("/tips/confirm/", {"sealed": sealed, "typed": ""}))


@pytest.mark.parametrize("language", ["en", "es"])
def test_parking_forms_show_the_one_error_pattern(client, town, language):
    prefix = "" if language == "en" else "/es"
    noon = datetime.datetime(2026, 11, 23, 15, 0, tzinfo=datetime.UTC)
    with time_machine.travel(noon, tick=False):
        assert_hints_tied(client.get(f"{prefix}/parking/"))
        response = client.post(f"{prefix}/parking/", {"plate": "", "make": "Honda"})
        assert_one_error_pattern(response, language)
        assert 'value="Honda"' in response.content.decode()
        assert_hints_tied(client.get(f"{prefix}/parking/find/"))
        assert_one_error_pattern(client.post(f"{prefix}/parking/find/", {"code": ""}), language)


@pytest.mark.parametrize("kind", ["police-report", "accident-report", "record-check", "other"])
def test_records_request_forms_show_the_one_error_pattern(client, db, kind):
    assert_hints_tied(client.get(f"/records/request/{kind}/"))
    response = client.post(
        f"/records/request/{kind}/", {"requester_name": "Dana Whitlock", "requester_email": "x"}
    )
    assert_one_error_pattern(response)
    assert 'value="Dana Whitlock"' in response.content.decode()


def test_records_tracking_and_verify_forms_show_the_one_error_pattern(client, db):
    assert_one_error_pattern(client.post("/records/track/", {}))
    assert_one_error_pattern(client.post("/records/track/code/", {"code": "12"}))
    assert_one_error_pattern(client.get("/es/records/verify/?code="), "es")


@pytest.mark.parametrize("language", ["en", "es"])
def test_programs_forms_show_the_one_error_pattern(client, db, language):
    prefix = "" if language == "en" else "/es"
    event = EventFactory(registration=Event.Registration.YOUTH, capacity=10, min_age=10, max_age=14)
    url = prefix + event.get_absolute_url().removeprefix("/es")
    assert_hints_tied(client.get(url))
    response = client.post(url, {"youth_name": "Sam Lee", "youth_age": "16", "email": "x"})
    assert_one_error_pattern(response, language)
    assert 'value="Sam Lee"' in response.content.decode()

    neighborhood = NeighborhoodFactory()
    subscribe = f"{prefix}/neighborhoods/{neighborhood.slug}/subscribe/"
    assert_one_error_pattern(client.post(subscribe, {"email": "not-an-address"}), language)


class _Sample(forms.Form):
    sealed = forms.CharField(widget=forms.HiddenInput)
    nights = forms.MultipleChoiceField(
        label="Nights",
        choices=[("1", "One"), ("2", "Two")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Pick some.",
    )
    email = forms.EmailField(
        label="E-mail",
        help_text="Where we write.",
        # What a form may have set by hand: the shared ids win.
        widget=forms.EmailInput(attrs={"aria-describedby": "id_email_hint"}),
    )


def test_the_renderer_draws_groups_hidden_fields_and_hand_set_ids_one_way():
    form = _Sample({"sealed": "", "nights": ["9"], "email": "nope"})
    html = str(form)
    assert '<fieldset class="usa-fieldset" aria-describedby="id_nights-hint id_nights-error">' in (
        html
    )
    assert 'class="usa-checkbox__input" type="checkbox" id="id_nights_0"' in html
    assert 'href="#id_nights_0"' in html
    assert 'aria-describedby="id_email-hint id_email-error"' in html
    assert "id_email_hint" not in html
    assert html.count("data-error-summary") == 1
    # A hidden field cannot be reached: its error is listed, without a link.
    assert 'href="#id_sealed"' not in html
    assert "<li>This field is required.</li>" in html
