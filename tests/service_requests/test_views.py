"""The residents' pages, through Django's test client: the two steps of the form, tracking,
the public page and following, a neighborhood's list and map, the on-time figures."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from portal import maps
from service_requests import services
from service_requests.models import RequestFollower, ServiceRequest
from service_requests.views import PICKER_WIDTH
from tests.service_requests.factories import INSIDE_WEST, OUTSIDE
from tests.support.files import jpeg_bytes

pytestmark = pytest.mark.django_db


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(f"service_requests:{name}", args=args)


def test_the_picker_lists_services_by_group_in_both_languages(client, stray, bite):
    english = client.get(url("index")).content.decode()
    assert "Stray or injured animal" in english and "Call 911 if the animal" in english
    spanish = client.get(url("index", language="es")).content.decode()
    assert "Animal suelto o herido" in spanish and "Llame al 911" in spanish


def test_step_one_by_address_leads_to_the_questions(client, stray):
    page = client.get(url("new", "stray-animal"), {"address": "42 Chapel St"})
    text = page.content.decode()
    assert "Step 2 of 2" in text and "Westside" in text
    assert 'name="attribute_kind"' in text


def test_an_unknown_street_stays_on_step_one_with_suggestions(client, stray):
    page = client.get(url("new", "stray-animal"), {"address": "42 Chapel Road"})
    text = page.content.decode()
    assert "Step 2 of 2" not in text
    assert "We do not know this street" in text and "Chapel Street" in text


def test_a_click_on_the_map_without_javascript_picks_the_point(client, stray, town):
    town_map = maps.town_map([town["west"], town["east"]], width=PICKER_WIDTH)
    x, y = town_map.projection.to_xy(float(INSIDE_WEST[1]), float(INSIDE_WEST[0]))
    page = client.get(url("new", "stray-animal"), {"map.x": int(x), "map.y": int(y)})
    text = page.content.decode()
    assert "Step 2 of 2" in text and "Westside" in text
    lat = re.search(r'name="lat" value="([^"]+)"', text).group(1)
    assert abs(float(lat) - float(INSIDE_WEST[0])) < 0.001


def test_a_point_outside_the_town_is_refused_on_step_one_in_spanish(client, stray):
    page = client.get(
        url("new", "stray-animal", language="es"), {"lat": OUTSIDE[0], "long": OUTSIDE[1]}
    )
    text = page.content.decode()
    assert "Step 2 of 2" not in text and "Paso 2 de 2" not in text
    assert "fuera del pueblo" in text or "fuera" in text


def test_submitting_the_form_with_a_photo_leads_to_the_tracking_page(client, stray):
    photo = jpeg_bytes()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        url("new", "stray-animal"),
        {
            "address": "42 Chapel Street",
            "attribute_kind": "dog",
            "attribute_signs": ["injured"],
            "email": "ana@example.org",
            "notify_email": "on",
            "photos": [SimpleUploadedFile("dog.jpg", photo, "image/jpeg")],
        },
    )
    assert response.status_code == 302
    created = ServiceRequest.objects.get()
    assert created.photos.count() == 1
    tracking = client.get(response["Location"]).content.decode()
    assert created.short_code in tracking
    assert "We aim to respond within 1 hour" in tracking


def test_a_wrong_answer_keeps_what_was_typed_and_saves_nothing(client, stray):
    response = client.post(
        url("new", "stray-animal"),
        {"address": "42 Chapel Street", "attribute_count": "lots", "description": "Near school"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Give a number" in text and "Answer this question" in text
    assert "Near school" in text
    assert not ServiceRequest.objects.exists()


def test_possible_duplicates_are_shown_before_submitting(client, stray):
    earlier = services.request_submit(
        service_code="stray-animal", attributes={"kind": "dog"}, address="40 Chapel Street"
    )
    page = client.get(url("new", "stray-animal"), {"address": "42 Chapel Street"})
    text = page.content.decode()
    assert "Already reported?" in text
    assert earlier.get_absolute_url() in text


def test_the_short_code_finds_the_tracking_page(client, stray):
    made = services.request_submit(
        service_code="stray-animal", attributes={"kind": "dog"}, address="40 Chapel Street"
    )
    response = client.get(url("track_lookup"), {"code": made.short_code.lower()})
    assert response.status_code == 302
    assert response["Location"] == services.tracking_path(made)
    wrong = client.get(url("track_lookup"), {"code": "AAAAAAAA"})
    assert "No request has this code" in wrong.content.decode()


def test_a_forged_tracking_link_is_not_found(client, stray):
    made = services.request_submit(
        service_code="stray-animal", attributes={"kind": "dog"}, address="40 Chapel Street"
    )
    token = services.tracking_path(made).rstrip("/").rsplit("/", 1)[-1]
    assert client.get(url("track", token[:-2] + "xx")).status_code == 404


def test_the_public_page_never_shows_the_reporter_or_the_messages(client, stray, clerk_staff):
    made = services.request_submit(
        service_code="stray-animal",
        attributes={"kind": "dog", "colour": "brown"},
        address="42 Chapel Street",
        contact={"first_name": "Zelda", "email": "zelda@example.org"},
        description="My neighbour Bob's dog",
    )
    services.request_transition(
        service_request=made,
        to_status="closed",
        actor=clerk_staff,
        reason="resolved",
        message="Zelda, we caught the dog.",
    )
    text = client.get(made.get_absolute_url()).content.decode()
    assert "Closed" in text
    for secret in ("Zelda", "zelda@example.org", "Bob", "42 Chapel", made.short_code):
        assert secret not in text
    assert "1–99 Chapel Street" in text


def test_following_a_request_records_a_follower(client, stray):
    made = services.request_submit(
        service_code="stray-animal", attributes={"kind": "dog"}, address="42 Chapel Street"
    )
    response = client.post(url("follow", made.public_id), {"email": "neighbor@example.org"})
    assert response.status_code == 302
    assert RequestFollower.objects.get().contact["email"] == "neighbor@example.org"
    refused = client.post(url("follow", made.public_id), {"email": ""})
    assert refused.status_code == 400
    assert RequestFollower.objects.count() == 1


def _submit_many(count, town):
    for i in range(count):
        services.request_submit(
            service_code="stray-animal",
            attributes={"kind": "dog"},
            lat=f"41.77{i % 10}000",
            long=INSIDE_WEST[1],
        )


def test_the_neighborhood_list_costs_the_same_queries_with_more_requests(client, stray, town):
    page = url("neighborhood", "westside")
    client.get(page)  # the department's settings are made on first use
    _submit_many(3, town)
    with CaptureQueriesContext(connection) as few:
        assert client.get(page).status_code == 200
    _submit_many(30, town)
    with CaptureQueriesContext(connection) as many:
        text = client.get(page).content.decode()
    assert len(many) == len(few)
    assert text.count("<circle") == 33


def test_a_sensitive_request_shows_only_its_street_on_the_list(client, bite, town):
    services.request_submit(
        service_code="animal-bite",
        attributes={},
        address="42 Chapel Street",
        contact={"phone": "8605550199"},
    )
    text = client.get(url("neighborhood", "westside")).content.decode()
    assert '<td data-label="Where">Chapel Street</td>' in text
    assert "42 Chapel" not in text and "–99 Chapel" not in text


def test_the_neighborhood_page_shows_the_panel(client, stray, town):
    services.request_submit(
        service_code="stray-animal", attributes={"kind": "dog"}, address="42 Chapel Street"
    )
    with translation.override("en"):
        page = reverse("neighborhood", args=["westside"])
    text = client.get(page).content.decode()
    assert "Problems residents asked us about" in text
    assert "1 request is open here" in text


def test_the_on_time_page_draws_a_chart_beside_its_table(client, stray, clerk_staff):
    made = services.request_submit(
        service_code="stray-animal", attributes={"kind": "dog"}, address="42 Chapel Street"
    )
    services.request_transition(
        service_request=made, to_status="closed", actor=clerk_staff, reason="resolved"
    )
    text = client.get(url("on_time")).content.decode()
    assert "<svg" in text and "100.0%" in text and "<table" in text
