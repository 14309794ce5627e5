"""The back office: permits by night, street and status, search by plate or code, revoke with a
reason (the holder is told), and the statistics."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parking.models import Permit, Refusal
from portal.models import AuditEntry, Notification
from tests.parking.factories import hold_nights

pytestmark = pytest.mark.django_db

D = datetime.date
CHANGELIST = "/admin/parking/permit/"


@pytest.fixture
def staff(officer):
    return officer


@pytest.fixture
def admin_client(officer_client):
    return officer_client


def test_permits_can_be_listed_by_night(admin_client, rules, street, frozen):
    hold_nights("NIGHT1", [D(2026, 11, 24)])
    hold_nights("NIGHT2", [D(2026, 11, 25)])
    response = admin_client.get(CHANGELIST, {"night": "2026-11-25"})
    plates = [p.plate for p in response.context["cl"].result_list]
    assert plates == ["NIGHT2"]


def test_a_permit_with_several_nights_is_listed_once_for_its_night(
    admin_client, rules, street, frozen
):
    hold_nights("TWICE1", [D(2026, 11, 24), D(2026, 11, 25)])
    response = admin_client.get(CHANGELIST, {"night": "2026-11-25"})
    assert [p.plate for p in response.context["cl"].result_list] == ["TWICE1"]
    assert admin_client.get(CHANGELIST, {"night": "not-a-date"}).status_code == 200


def test_the_permit_lists_cost_the_same_whatever_their_length(admin_client, rules, street, frozen):
    """No full count(*), no date hierarchy (whose DISTINCT reads every row), the same queries
    with 3 permits as with 30: the lists stay fast with a million permits (bench/parking.py)."""

    def queries(url, params=None):
        with CaptureQueriesContext(connection) as seen:
            assert admin_client.get(url, params or {}).status_code == 200
        return [query["sql"] for query in seen.captured_queries]

    lists = [
        (CHANGELIST, None),
        (CHANGELIST, {"night": "2026-11-24"}),
        ("/admin/parking/permitnight/", None),
        ("/admin/parking/permitnight/", {"night": "2026-11-24"}),
    ]
    for n in range(3):
        hold_nights(f"FEW{n}", [D(2026, 11, 24)])
    few = {url + str(params): len(queries(url, params)) for url, params in lists}
    for n in range(27):
        hold_nights(f"MANY{n}", [D(2026, 11, 24)])
    for url, params in lists:
        seen = queries(url, params)
        assert len(seen) == few[url + str(params)], url
        assert not any("DATE_TRUNC" in sql.upper() or "DISTINCT" in sql.upper() for sql in seen)
        counts = [sql for sql in seen if "COUNT(" in sql.upper() and "parking_" in sql]
        assert counts and all("LIMIT" in sql.upper() for sql in counts), counts


def test_permits_can_be_filtered_by_street_and_status(admin_client, rules, street, frozen):
    hold_nights("ONE1", [D(2026, 11, 24)], street=street)
    other = hold_nights("TWO2", [D(2026, 11, 24)])
    other.status = Permit.Status.REVOKED
    other.save()
    response = admin_client.get(CHANGELIST, {"street__id__exact": street.pk, "status": "active"})
    assert [p.plate for p in response.context["cl"].result_list] == ["ONE1"]


def test_search_finds_a_permit_by_plate_as_typed_or_by_code(admin_client, rules, street, frozen):
    permit = hold_nights("ABC123", [D(2026, 11, 24)])
    hold_nights("XYZ999", [D(2026, 11, 24)])
    by_plate = admin_client.get(CHANGELIST, {"q": "abc-123"})
    assert [p.pk for p in by_plate.context["cl"].result_list] == [permit.pk]
    by_code = admin_client.get(CHANGELIST, {"q": permit.display_code.lower()})
    assert [p.pk for p in by_code.context["cl"].result_list] == [permit.pk]


def test_opening_a_permit_is_audit_logged(admin_client, staff, rules, street, frozen):
    permit = hold_nights("ABC123", [D(2026, 11, 24)])
    admin_client.get(f"{CHANGELIST}{permit.pk}/change/")
    assert AuditEntry.objects.filter(action="parking.permit.viewed", actor=staff).exists()


def test_revoke_asks_for_a_reason_first(admin_client, rules, street, frozen):
    permit = hold_nights("ABC123", [D(2026, 11, 24)])
    response = admin_client.post(
        CHANGELIST, {"action": "revoke", ACTION_CHECKBOX_NAME: [permit.pk]}
    )
    assert response.status_code == 200
    assert "Reason (the holder reads it)" in response.content.decode()
    permit.refresh_from_db()
    assert permit.status == Permit.Status.ACTIVE


def test_revoke_with_a_reason_cancels_nights_to_come_and_tells_the_holder(
    admin_client, staff, rules, street, frozen
):
    permit = hold_nights("ABC123", [D(2026, 11, 21), D(2026, 11, 24)], language="es")
    admin_client.post(
        CHANGELIST,
        {
            "action": "revoke",
            ACTION_CHECKBOX_NAME: [permit.pk],
            "apply": "1",
            "reason": "El vehículo bloqueaba una entrada.",
        },
    )
    permit.refresh_from_db()
    assert permit.status == Permit.Status.REVOKED
    assert dict(permit.nights.values_list("night", "status")) == {
        D(2026, 11, 21): "active",  # history stays as it was
        D(2026, 11, 24): "revoked",
    }
    message = Notification.objects.get(recipient="holder@example.org")
    assert message.language == "es"
    assert "El vehículo bloqueaba una entrada." in message.body
    assert "canceló" in message.body
    entry = AuditEntry.objects.get(action="parking.permit.revoked")
    assert entry.actor == staff


def test_statistics_show_requests_per_night_and_refusals_by_rule(
    admin_client, rules, street, frozen
):
    hold_nights("ONE1", [D(2026, 11, 24)])
    hold_nights("TWO2", [D(2026, 11, 24)])
    Refusal.objects.create(rule="rolling_window", night=D(2026, 11, 24), plate="X1")
    Refusal.objects.create(rule="rolling_window", night=D(2026, 11, 24), plate="X2")
    Refusal.objects.create(rule="vehicle_excluded", night=D(2026, 11, 25), plate="X3")
    response = admin_client.get(f"{CHANGELIST}statistics/")
    assert response.status_code == 200
    per_night = {row["night"]: row for row in response.context["per_night"]}
    assert per_night[D(2026, 11, 24)]["approved"] == 2
    assert per_night[D(2026, 11, 24)]["refused"] == 2
    by_rule = {row["rule"]: row["count"] for row in response.context["by_rule"]}
    assert by_rule == {"rolling_window": 2, "vehicle_excluded": 1}


def test_rules_are_edited_in_admin_and_the_change_is_audited(admin_client, staff, rules):
    response = admin_client.get("/admin/parking/parkingrules/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields}
    data.update(
        {
            "max_consecutive_nights": 2,
            "excluded_vehicle_types": ["trailer"],
            "supervisor_email": "night@example.org",
            "cutoff_time": "01:30",
            "ban_start": "02:00",
            "ban_end": "06:00",
            "exclusions-TOTAL_FORMS": 0,
            "exclusions-INITIAL_FORMS": 0,
        }
    )
    response = admin_client.post("/admin/parking/parkingrules/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    rules.refresh_from_db()
    assert rules.max_consecutive_nights == 2
    assert rules.excluded_vehicle_types == ["trailer"]
    assert AuditEntry.objects.filter(action="parking.parkingrules.changed", actor=staff).exists()
