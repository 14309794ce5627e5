"""The officer's plate check, on the page and through the API: tonight's permit or none, and
every lookup in the audit log."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from parking.models import BlanketNight, PermitNight
from parking.serializers import PermitNightSerializer
from parking.services import ban_declare
from portal import roles
from portal.models import AuditEntry
from portal.services import staff
from tests.factories import UserFactory
from tests.parking.factories import hold_nights

pytestmark = pytest.mark.django_db

D = datetime.date


# 03:00 on 23 November 2026 in Eastbrook (08:00 UTC), during the nightly ban: the officer on
# the street is in the night of the 22nd.
AT_THREE = datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(AT_THREE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def permitted(street, frozen):
    return hold_nights("ABC123", [D(2026, 11, 22)], street=street, house_number=41)


def test_officer_sees_permitted_tonight_with_code_address_and_vehicle(
    officer_client, rules, permitted
):
    response = officer_client.get("/parking/officer/", {"plate": "abc 123", "plate_state": "CT"})
    text = response.content.decode()
    assert "Permitted tonight" in text
    assert permitted.display_code in text
    assert "41 Chapel Street" in text
    assert "Toyota Corolla, Grey" in text


def test_officer_sees_no_permit_for_a_plate_without_one(officer_client, rules, permitted):
    response = officer_client.get("/parking/officer/", {"plate": "ZZZ999"})
    assert "No permit" in response.content.decode()


def test_a_permit_for_another_night_is_no_permit_tonight(officer_client, rules, street, frozen):
    hold_nights("XYZ1", [D(2026, 11, 23)])
    response = officer_client.get("/parking/officer/", {"plate": "XYZ1"})
    assert "No permit" in response.content.decode()


def test_a_plate_from_another_state_is_no_permit(officer_client, rules, permitted):
    response = officer_client.get("/parking/officer/", {"plate": "ABC123", "plate_state": "MA"})
    assert "No permit" in response.content.decode()


def test_every_lookup_is_audit_logged(officer_client, officer, rules, permitted):
    officer_client.get("/parking/officer/", {"plate": "ABC123"})
    officer_client.get("/parking/officer/", {"plate": "NOPE1"})
    entries = AuditEntry.objects.filter(action="parking.plate.looked_up").order_by("id")
    assert [(e.actor, e.detail["plate"], e.detail["permitted"]) for e in entries] == [
        (officer, "ABC123", True),
        (officer, "NOPE1", False),
    ]


def test_officer_page_needs_a_staff_login(client, rules):
    response = client.get("/parking/officer/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_without_the_parking_role_cannot_look_up_plates(client, rules):
    client.force_login(UserFactory(roles=[roles.RECORDS_CLERKS]))
    assert client.get("/parking/officer/", {"plate": "ABC123"}).status_code == 403
    assert not AuditEntry.objects.filter(action="parking.plate.looked_up").exists()


def test_lookup_query_count_does_not_grow_with_permits(officer_client, rules, permitted):
    officer_client.get("/parking/officer/", {"plate": "ABC123"})
    with CaptureQueriesContext(connection) as few:
        officer_client.get("/parking/officer/", {"plate": "ABC123"})
    for i in range(30):
        hold_nights(f"N{i}", [D(2026, 11, 22)])
    with CaptureQueriesContext(connection) as many:
        officer_client.get("/parking/officer/", {"plate": "ABC123"})
    assert len(many) == len(few)


# --- API ---------------------------------------------------------------------------------------


@pytest.fixture
def token(officer):
    return staff.staff_token_issue(user=officer, name="Handheld", actor=None)[1]


def test_api_check_answers_permitted_tonight_with_a_token(client, token, rules, permitted):
    response = client.get(
        "/api/v1/parking/check/",
        {"plate": "abc-123", "plate_state": "CT"},
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["permitted"] is True
    assert body["night"] == "2026-11-22"
    assert body["permit"]["code"] == permitted.display_code
    assert body["permit"]["address"] == "41 Chapel Street"
    assert AuditEntry.objects.filter(action="parking.plate.looked_up").count() == 1


def test_api_check_answers_no_permit(client, token, rules, permitted):
    response = client.get(
        "/api/v1/parking/check/", {"plate": "NONE1"}, HTTP_AUTHORIZATION=f"Token {token}"
    )
    assert response.json()["permitted"] is False
    assert response.json()["permit"] is None


def test_api_check_without_a_plate_is_a_400_with_a_code(client, token, rules):
    response = client.get("/api/v1/parking/check/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 400
    assert "plate" in response.json()


def test_api_refuses_anonymous_and_other_staff(client, rules, permitted):
    assert client.get("/api/v1/parking/check/", {"plate": "ABC123"}).status_code in (401, 403)
    clerk = staff.staff_token_issue(
        user=UserFactory(roles=[roles.RECORDS_CLERKS]), name="Handheld", actor=None
    )[1]
    response = client.get(
        "/api/v1/parking/check/", {"plate": "ABC123"}, HTTP_AUTHORIZATION=f"Token {clerk}"
    )
    assert response.status_code == 403


def test_api_nights_filter_by_street_and_night(client, token, rules, street, permitted):
    hold_nights("OTHER1", [D(2026, 11, 24)], street=street)
    response = client.get(
        "/api/v1/parking/nights/",
        {"street": "chapel street", "night": "2026-11-24"},
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    plates = [row["plate"] for row in response.json()["results"]]
    assert plates == ["OTHER1"]
    assert AuditEntry.objects.filter(action="parking.nights.listed").count() == 1


def test_api_nights_default_to_tonight(client, token, rules, permitted):
    hold_nights("LATER1", [D(2026, 11, 24)])
    response = client.get("/api/v1/parking/nights/", HTTP_AUTHORIZATION=f"Token {token}")
    assert [row["plate"] for row in response.json()["results"]] == ["ABC123"]


def test_parking_api_adds_no_schema_warnings_and_is_in_the_schema(db):
    """The project gate is `spectacular --validate --fail-on-warn`; this checks our share of it
    on its own (another app's warnings must not hide ours, nor ours theirs)."""

    GENERATOR_STATS.reset()
    patterns = [path("api/v1/parking/", include("parking.api_urls"))]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache)
    whole = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert "/api/v1/parking/check/" in whole
    assert "/api/v1/parking/nights/" in whole


def test_officer_page_links_tonights_list(officer_client, rules, permitted):
    text = officer_client.get("/parking/officer/").content.decode()
    assert "/parking/list/2026-11-22.pdf" in text
    assert "/parking/list/2026-11-22.csv" in text


def test_on_a_blanket_night_the_officer_is_told_every_vehicle_may_park(
    officer_client, client, token, rules, frozen
):
    BlanketNight.objects.create(night=D(2026, 11, 22), name_en="Holiday eve", name_es="Víspera")
    text = officer_client.get("/parking/officer/", {"plate": "ZZZ1"}).content.decode()
    assert "Blanket night (Holiday eve): every vehicle may park" in text
    body = client.get(
        "/api/v1/parking/check/", {"plate": "ZZZ1"}, HTTP_AUTHORIZATION=f"Token {token}"
    ).json()
    assert body["blanket_night"] is True and body["permitted"] is False


def test_during_a_snow_emergency_the_officer_is_told_no_vehicle_may_park(
    officer_client, rules, permitted, django_capture_on_commit_callbacks
):
    start = datetime.datetime(2026, 11, 22, 22, 0, tzinfo=datetime.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        ban_declare(starts_at=start, ends_at=start + datetime.timedelta(hours=12))
    text = officer_client.get("/parking/officer/", {"plate": "ABC123"}).content.decode()
    assert "Snow emergency tonight: no vehicle may park" in text
    assert "No permit" in text  # the ban cancelled the permit


def test_api_check_answers_what_the_serializer_describes(client, token, rules, permitted):
    body = client.get(
        "/api/v1/parking/check/", {"plate": "ABC123"}, HTTP_AUTHORIZATION=f"Token {token}"
    ).json()
    night = PermitNight.objects.get(permit=permitted)
    assert body["permit"] == dict(PermitNightSerializer(night).data)
    assert set(body) == {
        "plate",
        "plate_state",
        "night",
        "permitted",
        "permit",
        "blanket_night",
        "snow_emergency",
    }


def test_api_lookup_audit_entry_names_the_officer_and_the_permit(
    client, officer, token, rules, permitted
):
    client.get("/api/v1/parking/check/", {"plate": "ABC123"}, HTTP_AUTHORIZATION=f"Token {token}")
    entry = AuditEntry.objects.get(action="parking.plate.looked_up")
    assert entry.actor == officer
    assert entry.actor_label == "night.officer"
    assert entry.target_id == str(permitted.pk)
    assert entry.target_label == str(permitted)
    assert entry.target_type.model_class().__name__ == "Permit"
    assert entry.detail == {
        "plate": "ABC123",
        "state": "",
        "night": "2026-11-22",
        "permitted": True,
    }


def test_each_api_lookup_writes_its_own_audit_entry_with_a_cached_token(
    client, token, rules, permitted
):
    for _ in range(3):
        client.get(
            "/api/v1/parking/check/", {"plate": "ABC123"}, HTTP_AUTHORIZATION=f"Token {token}"
        )
    assert AuditEntry.objects.filter(action="parking.plate.looked_up").count() == 3


def test_api_lookup_needs_no_query_for_the_token_once_it_is_known(client, token, rules, permitted):
    def check():
        return client.get(
            "/api/v1/parking/check/", {"plate": "ABC123"}, HTTP_AUTHORIZATION=f"Token {token}"
        )

    check()
    with CaptureQueriesContext(connection) as queries:
        assert check().status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "authtoken_token" not in sql
    assert "auth_permission" not in sql


# --- The floor the check is measured against (bench/snow_night.py) -----------------------------


def test_the_floor_endpoint_is_off_unless_the_benchmark_turns_it_on(client, token, permitted):
    response = client.get(
        "/api/v1/parking/floor/", {"plate": "ABC123"}, HTTP_AUTHORIZATION=f"Token {token}"
    )
    assert response.status_code == 404


def test_the_floor_endpoint_is_one_query_and_tells_nothing_about_the_plate(
    client, token, settings, permitted
):
    settings.PARKING_FLOOR_ENDPOINT = True
    client.get("/api/v1/parking/floor/", {"plate": "X"}, HTTP_AUTHORIZATION=f"Token {token}")
    answers = []
    with CaptureQueriesContext(connection) as queries:
        for plate in ("ABC123", "NONE1"):
            answers.append(
                client.get(
                    "/api/v1/parking/floor/", {"plate": plate}, HTTP_AUTHORIZATION=f"Token {token}"
                )
            )
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].content == answers[1].content == b"{}"
    assert len(queries) == 2  # the token and the role are cached: the one indexed read each
    assert "parking_permitnight" in queries[0]["sql"]


def test_the_floor_endpoint_has_the_checks_authentication(client, settings, permitted):
    settings.PARKING_FLOOR_ENDPOINT = True
    assert client.get("/api/v1/parking/floor/", {"plate": "ABC123"}).status_code in (401, 403)
    clerk = staff.staff_token_issue(
        user=UserFactory(roles=[roles.RECORDS_CLERKS]), name="Handheld", actor=None
    )[1]
    response = client.get(
        "/api/v1/parking/floor/", {"plate": "ABC123"}, HTTP_AUTHORIZATION=f"Token {clerk}"
    )
    assert response.status_code == 403
