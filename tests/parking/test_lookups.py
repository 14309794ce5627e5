"""The officer's lookup service: one audit entry per lookup, the same from the one-statement
PostgreSQL path as from the ORM path, and flags for blanket nights and snow emergencies."""

import datetime

import pytest
from django.db import connection

from parking import nights as n
from parking.models import BlanketNight, SnowEmergency
from parking.services import lookups
from portal import roles
from portal.localtime import department_zone
from portal.models import AuditEntry
from tests.factories import UserFactory
from tests.parking.factories import hold_nights

pytestmark = pytest.mark.django_db

D = datetime.date
NIGHT = D(2026, 11, 22)


@pytest.fixture
def permit(rules, street):
    return hold_nights("ABC123", [NIGHT], street=street, house_number=41)


def _entry_fields(entry: AuditEntry) -> tuple:
    return (
        entry.actor_id,
        entry.actor_label,
        entry.action,
        entry.target_type_id,
        entry.target_id,
        entry.target_label,
        entry.detail,
    )


@pytest.mark.parametrize("path", ["_check_in_one_statement", "_check_with_the_orm"])
def test_both_paths_find_the_permit_and_write_the_same_audit_entry(
    path, officer, permit, on_postgresql
):
    check = getattr(lookups, path)
    found = check(actor=officer, plate="ABC123", plate_state="CT", night=NIGHT).found
    assert found.permit.pk == permit.pk
    assert found.permit.display_code == permit.display_code
    assert found.permit.vehicle == permit.vehicle
    assert (found.house_number, found.street.name) == (41, "Chapel Street")
    [entry] = AuditEntry.objects.filter(action="parking.plate.looked_up")
    assert _entry_fields(entry)[:2] == (officer.pk, "night.officer")
    assert entry.target_id == str(permit.pk) and entry.target_label == str(permit)
    assert entry.target_type.model_class().__name__ == "Permit"
    assert entry.detail == {
        "plate": "ABC123",
        "state": "CT",
        "night": "2026-11-22",
        "permitted": True,
    }


@pytest.mark.parametrize("path", ["_check_in_one_statement", "_check_with_the_orm"])
def test_both_paths_log_a_lookup_that_finds_nothing(path, officer, permit, on_postgresql):
    check = getattr(lookups, path)
    assert check(actor=officer, plate="ABC123", plate_state="MA", night=NIGHT).found is None
    assert check(actor=officer, plate="NOPE", plate_state="", night=NIGHT).found is None
    entries = AuditEntry.objects.filter(action="parking.plate.looked_up").order_by("id")
    assert [
        (e.target_id, e.target_label, e.target_type_id, e.detail["permitted"]) for e in entries
    ] == [
        ("", "", None, False),
        ("", "", None, False),
    ]


def test_any_state_finds_the_plate(officer, permit):
    assert lookups.plate_lookup(actor=officer, plate="abc-123", plate_state="", night=NIGHT)


@pytest.mark.parametrize("path", ["_check_in_one_statement", "_check_with_the_orm"])
def test_both_paths_flag_blanket_nights_and_snow_emergencies(path, officer, rules, on_postgresql):
    zone = department_zone()
    window = n.night_window(NIGHT, rules.ban_end, zone)
    check = getattr(lookups, path)
    plain = check(actor=officer, plate="X1", plate_state="", night=NIGHT, window=window)
    assert (plain.blanket_night, plain.snow_emergency) == (False, False)
    BlanketNight.objects.create(night=NIGHT, name_en="Eve", name_es="Víspera")
    SnowEmergency.objects.create(
        starts_at=datetime.datetime(2026, 11, 23, 7, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC),
    )
    flagged = check(actor=officer, plate="X1", plate_state="", night=NIGHT, window=window)
    assert (flagged.blanket_night, flagged.snow_emergency) == (True, True)
    other = check(
        actor=officer,
        plate="X1",
        plate_state="",
        night=D(2026, 11, 25),
        window=(n.night_window(D(2026, 11, 25), rules.ban_end, zone)),
    )
    assert (other.blanket_night, other.snow_emergency) == (False, False)


@pytest.mark.django_db(transaction=True)
def test_the_lookup_turns_synchronous_commit_off_for_its_own_transaction_only(
    rules, street, on_postgresql
):
    officer = UserFactory(username="late.officer", roles=[roles.PARKING_OFFICERS])
    hold_nights("ABC123", [NIGHT], street=street)

    def setting() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    before = setting()
    assert lookups.plate_lookup(actor=officer, plate="ABC123", plate_state="", night=NIGHT)
    assert setting() == before  # not left off for the connection's next requests
    assert AuditEntry.objects.filter(action="parking.plate.looked_up").count() == 1
