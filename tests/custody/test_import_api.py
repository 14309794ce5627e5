"""The booking systems' import API: a key per system, idempotent upserts by booking number,
release, and payloads refused with field errors and a stable code."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from custody import selectors, services
from custody.models import CustodyRecord
from portal.models import AuditEntry
from tests.custody.factories import booking_system, payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/custody/bookings/"


@pytest.fixture
def api():
    _system, key = booking_system()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_without_a_key_nothing_is_imported():
    response = APIClient().post(URL, payload(), format="json")
    assert response.status_code in (401, 403)
    assert not CustodyRecord.objects.exists()


def test_a_revoked_key_is_refused(api):
    system, key = booking_system("Old system")
    services.booking_system_revoke(system=system, actor=None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post(URL, payload(), format="json").status_code == 401


def test_only_the_keys_hash_is_stored():
    system, key = booking_system()
    assert key not in (system.key_hash, system.prefix)
    assert system.prefix == key[:8]


def test_the_same_payload_twice_is_one_record(api):
    sent = payload()
    first = api.post(URL, sent, format="json")
    second = api.post(URL, sent, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["created"] is True and second.json()["created"] is False
    assert CustodyRecord.objects.count() == 1
    assert AuditEntry.objects.filter(action="custody.record.imported").count() == 1


def test_put_by_booking_number_updates_the_fields(api):
    sent = payload()
    api.put(f"{URL}EB-1/", sent, format="json")
    response = api.put(f"{URL}EB-1/", {**sent, "bond": "held_without_bond"}, format="json")
    assert response.status_code == 200
    record = CustodyRecord.objects.get()
    assert record.bond_status == "held_without_bond" and record.bond_amount is None
    assert record.source.name == "County booking"


def test_put_refuses_a_different_number_in_the_body(api):
    response = api.put(f"{URL}EB-2/", payload("EB-1"), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "booking_number_mismatch"


def test_release_removes_the_person_from_public_view_at_once(api):
    api.post(URL, payload(), format="json")
    assert selectors.custody_search(last_name="Rivera")
    response = api.post(f"{URL}EB-1/release/", {}, format="json")
    assert response.status_code == 200 and response.json()["released"] is True
    assert selectors.custody_search(last_name="Rivera") == []
    assert AuditEntry.objects.filter(action="custody.record.released").exists()


def test_a_later_import_without_the_release_keeps_the_person_released(api):
    api.post(URL, payload(), format="json")
    api.post(f"{URL}EB-1/release/", {}, format="json")
    api.post(URL, payload(), format="json")
    assert CustodyRecord.objects.get().released_at is not None


def test_releasing_an_unknown_booking_is_refused_with_its_code(api):
    response = api.post(f"{URL}NOPE/release/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_booking"


def test_a_person_under_18_at_booking_is_juvenile_whatever_the_system_says(api):
    api.post(URL, payload(date_of_birth="2012-01-01", juvenile=False), format="json")
    assert CustodyRecord.objects.get().juvenile is True
    assert selectors.custody_search(last_name="Rivera") == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"last_name": ""}, "last_name"),
        ({"date_of_birth": "12/04/1990"}, "date_of_birth"),
        ({"charge_category": "murder"}, "charge_category"),
        ({"bond": "a lot"}, "bond"),
        ({"bond": "-5"}, "bond"),
        ({"booking_number": "EB 1; DROP"}, "booking_number"),
        ({"booked_at": "yesterday"}, "booked_at"),
    ],
)
def test_bad_payloads_are_refused_with_field_errors_and_a_code(api, changes, field):
    response = api.post(URL, payload(**changes), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_booking"
    assert body.get(field)
    assert not CustodyRecord.objects.exists()


def test_a_list_instead_of_one_booking_is_refused(api):
    response = api.post(URL, [payload()], format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_booking"


def test_a_release_before_the_booking_is_refused(api):
    response = api.post(
        URL,
        payload(booked_at="2026-12-01T10:00:00Z", released_at="2026-11-30T10:00:00Z"),
        format="json",
    )
    assert response.status_code == 400
    assert "released_at" in response.json()


def test_the_import_endpoints_are_in_the_openapi_schema(client):
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "post" in paths["/api/v1/custody/bookings/"]
    assert "put" in paths["/api/v1/custody/bookings/{booking_number}/"]
    assert "post" in paths["/api/v1/custody/bookings/{booking_number}/release/"]


def test_the_schema_names_the_booking_systems_key_apart(client):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/custody/bookings/"]["post"]
    assert operation["security"] == [{"bookingSystemKey": []}]
    assert "bookingSystemKey" in schema["components"]["securitySchemes"]


def test_revoking_a_revoked_key_again_changes_nothing_and_is_audited_once():
    system, _key = booking_system("Old system")
    services.booking_system_revoke(system=system, actor=None)
    system.refresh_from_db()
    revoked_at = system.revoked_at
    services.booking_system_revoke(system=system, actor=None)
    system.refresh_from_db()
    assert system.revoked_at == revoked_at
    assert AuditEntry.objects.filter(action="custody.bookingsystem.revoked").count() == 1


def test_a_new_key_replaces_the_old_one():
    system, old = booking_system()
    new = services.booking_system_issue_key(system=system, actor=None)
    assert services.booking_system_authenticate(old) is None
    assert services.booking_system_authenticate(new) == system
