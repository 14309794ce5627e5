"""The resident's pages: the form, the decision, the permit page (cancel, history, nights left)
and finding a permit by code and plate."""

import datetime

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parking import services
from parking.models import BlanketNight, Permit, PermitNight, Refusal
from portal.models import Notification
from tests.factories import StreetFactory
from tests.parking.factories import hold_nights

pytestmark = pytest.mark.django_db

D = datetime.date


def _form(street, **overrides):
    data = {
        "plate": "abc-123",
        "plate_state": "CT",
        "vehicle_type": "car",
        "make": "Honda",
        "model": "Civic",
        "colour": "Blue",
        "house_number": "41",
        "street": str(street.pk),
        "reason": "guest",
        "reason_note": "",
        "first_night": "2026-11-23",
        "nights": "2",
        "email": "resident@example.org",
        "mobile": "",
    }
    data.update(overrides)
    return data


def test_form_explains_what_a_night_is(client, rules, street, frozen):
    response = client.get("/parking/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "the night of November 23" in text
    assert "to the morning of November 24" in text


def test_form_offers_tonight_first_once_last_nights_cutoff_has_passed(client, rules, frozen):
    response = client.get("/parking/")
    choices = response.context["form"].fields["first_night"].choices
    assert choices[0][0] == "2026-11-23"
    assert choices[0][1].startswith("Tonight")


def test_approved_request_shows_the_code_and_sends_it(client, rules, street, frozen):
    response = client.post("/parking/", _form(street))
    assert response.status_code == 302
    permit = Permit.objects.get()
    assert permit.plate == "ABC123"
    page = client.get(response["Location"])
    assert permit.display_code in page.content.decode()
    assert "Approved" in page.content.decode()
    assert Notification.objects.filter(recipient="resident@example.org").exists()


def test_refusal_names_the_rule_and_keeps_what_was_typed(client, rules, street, frozen):
    response = client.post("/parking/", _form(street, vehicle_type="trailer", make="Haulmark"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "No overnight exemptions are given for this type of vehicle" in text
    assert 'value="Haulmark"' in text
    assert 'value="abc-123"' in text
    assert Refusal.objects.get().rule == "vehicle_excluded"


def test_refusal_in_spanish_on_the_spanish_form(client, rules, street, frozen):
    response = client.post("/es/parking/", _form(street, vehicle_type="trailer"))
    assert "No se dan permisos nocturnos para este tipo de vehículo" in response.content.decode()


def test_invalid_input_shows_an_error_summary_tied_to_each_field(client, rules, street, frozen):
    response = client.post("/parking/", _form(street, plate="", email="", reason="other"))
    text = response.content.decode()
    assert 'id="error-summary"' in text
    assert 'href="#id_plate"' in text
    assert 'aria-describedby="id_plate-hint id_plate-error"' in text
    assert 'id="id_email-error"' in text
    assert 'id="id_reason_note-error"' in text
    assert not Permit.objects.exists()


def test_a_house_number_the_street_does_not_have_is_shown_on_that_field(client, rules, frozen):
    main = StreetFactory(name="Main Street", number_from=1, number_to=250)
    response = client.post("/parking/", _form(main, house_number="99999", make="Haulmark"))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "house_number": ["Main Street has no number 99999: its house numbers are 1\u2013250."]
    }
    text = response.content.decode()
    assert 'id="id_house_number-error"' in text
    assert 'href="#id_house_number"' in text
    assert 'value="99999"' in text and 'value="Haulmark"' in text
    assert not Permit.objects.exists()
    assert not PermitNight.objects.exists()


def test_a_house_number_the_street_does_not_have_is_refused_in_spanish(client, rules, frozen):
    main = StreetFactory(name="Main Street", number_from=1, number_to=250)
    response = client.post("/es/parking/", _form(main, house_number="251"))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "house_number": ["Main Street no tiene el número 251: sus números son 1\u2013250."]
    }
    assert 'id="id_house_number-error"' in response.content.decode()
    assert not Permit.objects.exists()


def test_the_last_number_of_a_street_is_approved_from_the_form(client, rules, frozen):
    main = StreetFactory(name="Main Street", number_from=1, number_to=250)
    assert client.post("/parking/", _form(main, house_number="250")).status_code == 302
    assert Permit.objects.get().house_number == 250


def test_the_street_list_gives_each_streets_numbers(client, rules, street, frozen):
    StreetFactory(name="Main Street", number_from=1, number_to=250)
    english = client.get("/parking/").content.decode()
    spanish = client.get("/es/parking/").content.decode()
    assert ">Main Street (numbers 1\u2013250)</option>" in english
    assert ">Main Street (números 1\u2013250)</option>" in spanish
    assert ">Chapel Street</option>" in english


def test_a_street_not_of_the_town_is_refused(client, rules, frozen):
    response = client.post("/parking/", _form(StreetFactory.build(pk=999999)))
    assert "street" in response.context["form"].errors


def test_blanket_night_is_announced_on_the_form(client, rules, frozen):
    BlanketNight.objects.create(
        night=D(2026, 11, 25), name_en="Thanksgiving Eve", name_es="víspera de Acción de Gracias"
    )
    text = client.get("/parking/").content.decode()
    assert "No permit needed on the night of November 25 (Thanksgiving Eve)" in text


def _permit_url(permit):
    return reverse("parking:permit", kwargs={"token": services.permit_token(permit)})


def test_permit_page_shows_nights_history_and_nights_left(client, rules, street, frozen):
    hold_nights("ABC123", [D(2026, 3, 1), D(2026, 3, 2)])
    permit = hold_nights("ABC123", [D(2026, 11, 23), D(2026, 11, 24)])
    response = client.get(_permit_url(permit))
    assert response.status_code == 200
    assert response.context["remaining_year"] == 11
    assert len(response.context["history"]) == 4
    assert "11 of 15 nights left in 2026" in response.content.decode()


def test_resident_cancels_a_night_still_to_come(client, rules, street, frozen):
    permit = hold_nights("ABC123", [D(2026, 11, 23), D(2026, 11, 24)])
    response = client.post(_permit_url(permit), {"nights": ["2026-11-24"]})
    assert response.status_code == 302
    statuses = dict(permit.nights.values_list("night", "status"))
    assert statuses == {D(2026, 11, 23): "active", D(2026, 11, 24): "cancelled"}


def test_a_night_past_its_cutoff_cannot_be_cancelled(client, rules, street, frozen):
    permit = hold_nights("ABC123", [D(2026, 11, 22), D(2026, 11, 23)])
    response = client.post(_permit_url(permit), {"nights": ["2026-11-22"]})
    assert response.status_code == 200
    assert permit.nights.get(night=D(2026, 11, 22)).status == "active"


def test_cancelling_every_night_cancels_the_permit(client, rules, street, frozen):
    permit = hold_nights("ABC123", [D(2026, 11, 24)])
    client.post(_permit_url(permit), {"nights": ["2026-11-24"]})
    permit.refresh_from_db()
    assert permit.status == Permit.Status.CANCELLED


def test_a_link_sent_before_the_links_module_still_opens_the_permit(client, rules, street, frozen):
    permit = hold_nights("ABC123", [D(2026, 11, 24)])
    token = signing.dumps(permit.code, salt="parking.permit", compress=True)
    assert client.get(reverse("parking:permit", kwargs={"token": token})).status_code == 200


def test_a_tampered_link_finds_nothing(client, rules, street, frozen):
    permit = hold_nights("ABC123", [D(2026, 11, 24)])
    assert client.get(_permit_url(permit)[:-3] + "xx/").status_code == 404


def test_code_and_plate_lead_to_the_permit(client, rules, street, frozen):
    permit = hold_nights("ABC123", [D(2026, 11, 24)])
    code = permit.display_code.lower()
    response = client.post("/parking/find/", {"code": code, "plate": "abc 123"})
    assert response.status_code == 302
    assert response["Location"].startswith("/parking/permit/")


def test_code_with_the_wrong_plate_finds_nothing(client, rules, street, frozen):
    permit = hold_nights("ABC123", [D(2026, 11, 24)])
    response = client.post("/parking/find/", {"code": permit.code, "plate": "XYZ999"})
    assert response.status_code == 200
    assert "No permit matches" in response.content.decode()


def test_a_mistyped_code_is_caught_by_its_check_character(client, rules, street, frozen):
    response = client.post("/parking/find/", {"code": "AAAA-AAAAA", "plate": "ABC123"})
    assert "not a valid confirmation code" in response.content.decode()


def test_permit_page_query_count_does_not_grow_with_history(client, rules, street, frozen):
    permit = hold_nights("ABC123", [D(2026, 11, 24)])
    url = _permit_url(permit)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for month in range(1, 11):
        hold_nights("ABC123", [D(2026, month, 3), D(2026, month, 4)])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_form_query_count_does_not_grow_with_permits(client, rules, street, frozen):
    client.get("/parking/")
    with CaptureQueriesContext(connection) as few:
        client.get("/parking/")
    for i in range(20):
        hold_nights(f"P{i}", [D(2026, 11, 23)])
    with CaptureQueriesContext(connection) as many:
        client.get("/parking/")
    assert len(many) == len(few)
    assert PermitNight.objects.count() == 20


def test_one_connection_cannot_flood_requests(client, rules, street, frozen):
    rules.requests_per_hour = 2
    rules.save()
    client.post("/parking/", _form(street, plate="ONE1", nights="1"))
    client.post("/parking/", _form(street, plate="TWO2", nights="1"))
    response = client.post("/parking/", _form(street, plate="THREE3", nights="1"))
    assert "Too many requests have come from your connection" in response.content.decode()
    assert Permit.objects.count() == 2
    assert Refusal.objects.get().rule == "too_many_requests"
    frozen.shift(datetime.timedelta(hours=1))
    assert client.post("/parking/", _form(street, plate="THREE3", nights="1")).status_code == 302


def test_the_blank_form_shows_a_street_added_since_it_was_last_shown(client, rules, street, frozen):
    assert "Chapel Street" in client.get("/parking/").content.decode()
    StreetFactory(name="Elm Street")
    assert "Elm Street" in client.get("/parking/").content.decode()


def test_the_blank_form_is_in_the_language_of_the_page(client, rules, street, frozen):
    english = client.get("/parking/").content.decode()
    spanish = client.get("/es/parking/").content.decode()
    assert "The vehicle" in english and "El vehículo" not in english
    assert "El vehículo" in spanish and "The vehicle" not in spanish
