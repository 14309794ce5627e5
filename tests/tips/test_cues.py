"""Words in a tip that could identify the tipster (tips/cues.py): found in English and Spanish,
shown before the tip is sent with everything typed kept, never stored."""

import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.cues import IDENTIFYING, NOT_IDENTIFYING
from tests.support.uploads import jpeg_upload
from tips.cues import PATTERNS, cues_find, cues_in_tip
from tips.models import Tip


@pytest.mark.parametrize(("text", "kind", "phrase"), IDENTIFYING)
def test_identifying_words_are_found_in_english_and_spanish(text, kind, phrase):
    found = cues_find(text)
    assert [(cue.kind, cue.phrase) for cue in found] == [(kind, phrase)]
    assert text[found[0].start : found[0].end] == phrase


@pytest.mark.parametrize("text", NOT_IDENTIFYING)
def test_third_person_facts_dates_and_plates_are_not_cues(text):
    assert cues_find(text) == []


def test_cues_are_searched_in_every_free_text_field_but_the_contact():
    found = cues_in_tip(
        {
            "what": "My neighbor sells.",
            "where": "from my window",
            "people": "call 860 555 0199",
            "contact": "my name is Ana",
        }
    )
    assert [(f.field, f.cue.phrase) for f in found] == [
        ("what", "My neighbor"),
        ("where", "from my window"),
        ("people", "860 555 0199"),
    ]


def test_every_pattern_is_written_in_the_subset_javascript_reads_alike():
    for _kind, pattern in PATTERNS:
        assert "\\b" not in pattern and "\\d" not in pattern and "\\w" not in pattern, pattern
        assert "(?P<" not in pattern and "(?i" not in pattern, pattern
        re.compile(pattern)


NEUTRAL = st.lists(
    st.sampled_from(
        [
            "the",
            "a",
            "van",
            "bikes",
            "garage",
            "street",
            "corner",
            "night",
            "evening",
            "red",
            "blue",
            "sells",
            "kept",
            "behind",
            "park",
            "las",
            "motos",
            "calle",
            "esquina",
            "noche",
            "rojo",
            "azul",
            "vende",
            "parque",
            "guarda",
            "detrás",
        ]
    ),
    max_size=40,
).map(" ".join)


@given(NEUTRAL)
def test_neutral_words_raise_no_cue(text):
    assert cues_find(text) == []


@given(
    before=NEUTRAL,
    after=NEUTRAL,
    user=st.text(string.ascii_lowercase + string.digits + "._", min_size=1, max_size=12).filter(
        lambda u: u[0].isalnum() and u[-1].isalnum() and ".." not in u
    ),
    domain=st.sampled_from(["example.org", "correo.mx", "mail.example.com"]),
)
def test_an_email_address_anywhere_is_found_whole(before, after, user, domain):
    address = f"{user}@{domain}"
    found = cues_find(f"{before} {address} {after}")
    assert [(cue.kind, cue.phrase) for cue in found] == [("email", address)]


@given(
    digits=st.lists(st.sampled_from(string.digits), min_size=10, max_size=10).map("".join),
    style=st.sampled_from(["{}-{}-{}", "({}) {}-{}", "{}.{}.{}", "{} {} {}"]),
)
def test_a_written_phone_number_is_found(digits, style):
    number = style.format(digits[:3], digits[3:6], digits[6:])
    found = cues_find(f"the number is {number} I think")
    assert [(cue.kind, cue.phrase) for cue in found] == [("phone", number)]


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=200)
@given(st.text(max_size=300))
def test_any_text_gives_cues_that_are_its_own_words_in_order_without_overlap(text):
    found = cues_find(text)
    end = 0
    for cue in found:
        assert cue.start >= end
        assert text[cue.start : cue.end] == cue.phrase and cue.phrase
        end = cue.end


# --- The form ------------------------------------------------------------------------------------


def _post(client, category, **fields):
    data = {"category": category.pk, "what": "Dirt bikes in the blue garage.", **fields}
    return client.post("/tips/", data)


@pytest.mark.django_db
def test_a_tip_with_identifying_words_comes_back_with_a_warning_and_everything_kept(
    client, category
):
    response = _post(
        client, category, what="My neighbor keeps them.", where="Mill Street", vehicles="a van"
    )
    html = response.content.decode()
    assert not Tip.objects.exists()
    assert "<title>Check before sending:" in html
    assert 'id="cue-warning" role="alert"' in html
    assert "<strong>My neighbor</strong>" in html
    assert "It says how you know someone" in html
    assert 'href="#id_what"' in html
    assert "My neighbor keeps them.</textarea>" in html
    assert "Mill Street</textarea>" in html
    assert f'value="{category.pk}" checked' in html or f'value="{category.pk}"checked' in html
    assert 'name="send_as_is" value="1"' in html
    assert "not sent" not in html  # no files were chosen


@pytest.mark.django_db
def test_files_that_must_be_chosen_again_are_said_so_plainly(client, category):
    photo = jpeg_upload("p.jpg")
    html = _post(client, category, what="I live next door.", attachments=[photo]).content.decode()
    assert "The file you chose was not sent and is not kept. Choose it again" in html
    assert not Tip.objects.exists()


@pytest.mark.django_db
def test_sending_it_as_it_is_sends_the_tip_and_keeps_nothing_about_the_cues(
    client, category, caplog
):
    response = _post(client, category, what="My neighbor keeps them.", send_as_is="1")
    assert 'data-testid="passphrase"' in response.content.decode()
    tip = Tip.objects.get()
    assert tip.what == "My neighbor keeps them."
    assert not any(field.name.startswith("cue") for field in Tip._meta.get_fields())
    assert "My neighbor" not in caplog.text


@pytest.mark.django_db
def test_a_tip_without_identifying_words_is_sent_at_once(client, category):
    response = _post(client, category)
    assert 'data-testid="passphrase"' in response.content.decode()


@pytest.mark.django_db
def test_the_warning_button_is_not_on_the_page_before_a_warning(client, category):
    html = client.get("/tips/").content.decode()
    form_start = html.index('id="tip-form"')
    outside_template = re.sub(r"<template.*?</template>", "", html, flags=re.S)
    assert 'name="send_as_is"' not in outside_template
    assert 'id="tip-cue-rules"' in html[:form_start]


@pytest.mark.django_db
def test_the_warning_is_in_spanish_on_the_spanish_page(client, category):
    html = client.post(
        "/es/tips/", {"category": category.pk, "what": "Mi vecino las guarda."}
    ).content.decode()
    assert "<strong>Mi vecino</strong>" in html
    assert "Enviarla tal como está" in html
