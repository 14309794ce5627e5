"""request_submit: every rule of what a resident may send, refused by its code, nothing
half-saved."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation
from PIL import Image

from portal.errors import DomainError
from portal.models import AuditEntry, Notification, Street
from service_requests import services
from service_requests.models import RequestEvent, RequestPhoto, ServiceRequest
from tests.service_requests.factories import INSIDE_EAST, INSIDE_WEST, OUTSIDE
from tests.support.files import gps_exif, jpeg_bytes

pytestmark = pytest.mark.django_db


def codes(error: DomainError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def submit(**kwargs):
    defaults = {"service_code": "stray-animal", "attributes": {"kind": "dog"}}
    defaults.update(kwargs)
    return services.request_submit(**defaults)


def test_a_request_at_a_point_is_placed_in_its_neighborhood_and_routed(stray, town):
    request = submit(
        lat=INSIDE_EAST[0],
        long=INSIDE_EAST[1],
        attributes={
            "kind": "dog",
            "signs": ["injured", "loose"],
            "count": "2",
            "seen_at": "2026-12-06 14:30",
            "colour": "brown",
            "more": "By the bus stop.\nStill there.",
        },
    )
    request.refresh_from_db()
    assert request.neighborhood == town["east"]
    assert request.division == stray.division
    assert request.status == "open"
    assert request.attributes["signs"] == ["injured", "loose"]
    assert request.attributes["count"] == 2
    assert request.attributes["seen_at"].startswith("2026-12-06T19:30")  # 14:30 in Connecticut
    assert request.expected_at - request.requested_at == dt.timedelta(hours=1)
    assert RequestEvent.objects.filter(request=request, kind="submitted").count() == 1
    assert AuditEntry.objects.filter(action="service_requests.request.submitted").count() == 1


def test_an_address_on_a_town_street_is_placed_by_the_street(stray, town):
    request = submit(address="142 chapel st.")
    assert request.neighborhood == town["west"]
    assert request.street.name == "Chapel Street"
    assert request.public_address == "100–199 Chapel Street"
    assert request.lat is None


def test_a_point_outside_the_town_is_refused_and_nothing_is_saved(stray, town):
    with pytest.raises(DomainError) as caught:
        submit(lat=OUTSIDE[0], long=OUTSIDE[1], photos=[jpeg_bytes()])
    assert codes(caught.value) == {"location": ["location_outside"]}
    assert not ServiceRequest.objects.exists()
    assert not RequestPhoto.objects.exists()


def test_an_unknown_street_is_refused_with_suggestions(stray, town):
    with pytest.raises(DomainError) as caught:
        submit(address="12 Chapel Road")
    assert codes(caught.value) == {"address": ["address_unknown"]}
    assert "Chapel Street" in caught.value.error_dict["address"][0].messages[0]


def test_a_house_number_the_street_does_not_have_is_refused_and_nothing_is_saved(stray, town):
    Street.objects.filter(name="Chapel Street").update(number_from=1, number_to=199)
    with pytest.raises(DomainError) as caught:
        submit(address="420 Chapel Street")
    assert codes(caught.value) == {"address": ["address_number_outside"]}
    assert "1\u2013199" in caught.value.error_dict["address"][0].messages[0]
    assert not ServiceRequest.objects.exists()
    assert submit(address="199 Chapel Street").street.name == "Chapel Street"


def test_a_house_number_outside_gets_the_kernels_message_and_the_map_as_the_way_out(stray, town):
    Street.objects.filter(name="Chapel Street").update(number_from=1, number_to=199)
    with translation.override("es"), pytest.raises(DomainError) as caught:
        submit(address="0 Chapel Street")
    assert caught.value.error_dict["address"][0].messages == [
        "Chapel Street no tiene el número 0: sus números son 1\u2013199. "
        "Revise el número o elija el lugar en el mapa."
    ]


def test_no_place_at_all_is_refused(stray):
    with pytest.raises(DomainError) as caught:
        submit()
    assert codes(caught.value) == {"address": ["location_missing"]}


@pytest.mark.parametrize("lat,long", [("abc", "-72.69"), ("95", "-72.69"), ("41.77", "")])
def test_a_malformed_point_is_refused(stray, lat, long):
    with pytest.raises(DomainError) as caught:
        submit(lat=lat, long=long)
    assert codes(caught.value) == {"location": ["location_invalid"]}


def test_an_unknown_or_withdrawn_service_is_refused(stray):
    with pytest.raises(DomainError) as caught:
        submit(service_code="unicorns", lat=INSIDE_WEST[0], long=INSIDE_WEST[1])
    assert codes(caught.value) == {"service_code": ["service_unknown"]}
    stray.is_active = False
    stray.save()
    with pytest.raises(DomainError) as caught:
        submit(lat=INSIDE_WEST[0], long=INSIDE_WEST[1])
    assert codes(caught.value) == {"service_code": ["service_unknown"]}


@pytest.mark.parametrize(
    "answers,field,code",
    [
        ({}, "attribute_kind", "attribute_required"),
        ({"kind": "dragon"}, "attribute_kind", "attribute_choice"),
        ({"kind": ["dog", "cat"]}, "attribute_kind", "attribute_type"),
        ({"kind": "dog", "signs": ["injured", "on fire"]}, "attribute_signs", "attribute_choice"),
        ({"kind": "dog", "count": "two"}, "attribute_count", "attribute_type"),
        ({"kind": "dog", "count": "NaN"}, "attribute_count", "attribute_type"),
        ({"kind": "dog", "count": True}, "attribute_count", "attribute_type"),
        ({"kind": "dog", "seen_at": "yesterday"}, "attribute_seen_at", "attribute_type"),
        ({"kind": "dog", "colour": "brown\nand white"}, "attribute_colour", "attribute_type"),
        ({"kind": "dog", "colour": 7}, "attribute_colour", "attribute_type"),
        ({"kind": "dog", "colour": "x" * 201}, "attribute_colour", "attribute_too_long"),
        ({"kind": "dog", "wings": "two"}, "attribute_wings", "attribute_unknown"),
    ],
)
def test_answers_of_the_wrong_type_are_refused(stray, answers, field, code):
    with pytest.raises(DomainError) as caught:
        submit(attributes=answers, lat=INSIDE_WEST[0], long=INSIDE_WEST[1])
    assert codes(caught.value) == {field: [code]}
    assert not ServiceRequest.objects.exists()


def test_a_description_over_4000_characters_is_refused(stray):
    submit(description="x" * 4000, lat=INSIDE_WEST[0], long=INSIDE_WEST[1])
    with pytest.raises(DomainError) as caught:
        submit(description="x" * 4001, lat=INSIDE_WEST[0], long=INSIDE_WEST[1])
    assert codes(caught.value) == {"description": ["description_too_long"]}
    assert ServiceRequest.objects.count() == 1


def test_every_problem_is_reported_at_once(stray):
    with pytest.raises(DomainError) as caught:
        submit(attributes={"count": "many"}, lat=OUTSIDE[0], long=OUTSIDE[1], notify_email=True)
    assert codes(caught.value) == {
        "attribute_kind": ["attribute_required"],
        "attribute_count": ["attribute_type"],
        "location": ["location_outside"],
        "email": ["notify_without_contact"],
    }


def test_photos_are_cleaned_of_their_metadata(stray):
    request = submit(lat=INSIDE_WEST[0], long=INSIDE_WEST[1], photos=[jpeg_bytes(exif=gps_exif())])
    photo = request.photos.get()
    data = photo.file.read()
    assert b"MARKER-ARTIST" not in data and b"MarkerPhoneMaker" not in data
    assert not Image.open(io.BytesIO(data)).getexif()


def test_a_broken_photo_is_refused(stray):
    broken = jpeg_bytes()[:200]
    with pytest.raises(DomainError) as caught:
        submit(lat=INSIDE_WEST[0], long=INSIDE_WEST[1], photos=[jpeg_bytes(), broken])
    assert codes(caught.value) == {"photos": ["image_broken"]}
    assert not RequestPhoto.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused(stray):
    with pytest.raises(DomainError) as caught:
        submit(lat=INSIDE_WEST[0], long=INSIDE_WEST[1], photos=[b"%PDF-1.4 not a photo" * 10])
    assert codes(caught.value) == {"photos": ["file_type"]}


def test_an_oversize_photo_is_refused(stray, settings):
    settings.SERVICE_REQUESTS_PHOTO_MAX_MB = 0  # any photo is over a limit of 0 MB
    with pytest.raises(DomainError) as caught:
        submit(lat=INSIDE_WEST[0], long=INSIDE_WEST[1], photos=[jpeg_bytes()])
    assert codes(caught.value) == {"photos": ["file_too_large"]}


def test_six_photos_are_too_many(stray):
    with pytest.raises(DomainError) as caught:
        submit(lat=INSIDE_WEST[0], long=INSIDE_WEST[1], photos=[jpeg_bytes()] * 6)
    assert codes(caught.value) == {"photos": ["photo_count"]}


def test_a_service_that_needs_a_call_back_requires_contact(bite):
    with pytest.raises(DomainError) as caught:
        submit(service_code="animal-bite", attributes={}, address="5 Main Street")
    assert codes(caught.value) == {"phone": ["contact_required"]}
    request = submit(
        service_code="animal-bite",
        attributes={},
        address="5 Main Street",
        contact={"first_name": "Ana", "phone": "860 555 0199"},
    )
    assert request.contact["phone"] == "860 555 0199"


def test_contact_details_are_encrypted_at_rest(stray):
    from django.db import connection

    request = submit(
        lat=INSIDE_WEST[0],
        long=INSIDE_WEST[1],
        contact={"email": "ana@example.org"},
        notify_email=True,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact FROM service_requests_servicerequest WHERE id = %s", [request.pk]
        )
        stored = cursor.fetchone()[0]
    assert "ana@example.org" not in stored
    request.refresh_from_db()
    assert request.contact["email"] == "ana@example.org"


def test_the_confirmation_is_queued_with_the_request_in_the_resident_language(stray):
    request = submit(
        lat=INSIDE_WEST[0],
        long=INSIDE_WEST[1],
        language="es",
        contact={"email": "ana@example.org", "phone": "8605550199"},
        notify_email=True,
        notify_sms=True,
    )
    messages = Notification.objects.order_by("channel")
    assert [m.channel for m in messages] == ["email", "sms"]
    assert request.short_code in messages[0].body
    assert "/es/requests/" in messages[0].body
    assert messages[0].language == "es"


def test_no_message_without_asking(stray):
    submit(lat=INSIDE_WEST[0], long=INSIDE_WEST[1], contact={"email": "ana@example.org"})
    assert not Notification.objects.exists()


def test_a_sensitive_service_shows_only_the_street_and_a_coarse_cell(bite):
    request = submit(
        service_code="animal-bite",
        attributes={},
        address="142 Chapel Street",
        lat="41.771234",
        long="-72.691234",
        contact={"phone": "8605550199"},
    )
    assert request.public_address == "Chapel Street"
    assert abs(request.public_lat - request.lat) <= Decimal("0.003")
    assert request.public_lat % Decimal("0.003") == Decimal("0.0015")
    other = submit(
        service_code="animal-bite",
        attributes={},
        lat="41.770100",
        long="-72.690100",
        contact={"phone": "8605550199"},
    )
    assert (other.public_lat, other.public_long) == (request.public_lat, request.public_long)


@time_machine.travel(dt.datetime(2026, 12, 24, 15, 0, tzinfo=dt.UTC))
def test_a_target_in_business_days_skips_the_holiday_and_weekend(bite):
    request = submit(
        service_code="animal-bite",
        attributes={},
        address="1 Main Street",
        contact={"phone": "8605550199"},
    )
    # Thursday 24 Dec: Friday 25 is Christmas, then the weekend: Mon 28, Tue 29 at 5 p.m.
    assert request.expected_at == dt.datetime(2026, 12, 29, 22, 0, tzinfo=dt.UTC)
