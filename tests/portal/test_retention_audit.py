"""The audit log stays append-only: its one way out is the retention purge, which the database
lets delete only entries older than both the purge's own cutoff and the audit log's period
(never under a year, by the database's clock). Every other DELETE, and every UPDATE, is refused."""

import datetime
import os
import zoneinfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from portal.models import AuditEntry, LegalHold, RetentionPolicy
from portal.services import retention
from portal.services.audit import audit_record
from tests.factories import DivisionFactory

pytestmark = pytest.mark.django_db

ZONE = zoneinfo.ZoneInfo("America/New_York")


def _at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=ZONE)


def _entry(**kwargs) -> AuditEntry:
    return audit_record(actor=None, actor_label="test", action="auth.signed_out", **kwargs)


def _old_entry() -> AuditEntry:
    with time_machine.travel(_at(2020, 3, 1, 12), tick=False):
        return _entry()


def _sql(statement: str, params=(), purge_before: datetime.datetime | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if purge_before is not None:
            cursor.execute(
                "SELECT set_config('portal.audit_purge_before', %s, true)",
                [purge_before.isoformat()],
            )
        cursor.execute(statement, params)


def test_an_ordinary_delete_of_an_old_entry_is_refused(on_postgresql):
    entry = _old_entry()
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("DELETE FROM portal_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_an_update_is_refused_even_inside_a_purge(on_postgresql):
    entry = _old_entry()
    with pytest.raises(DatabaseError, match="append-only"):
        _sql(
            "UPDATE portal_auditentry SET action = 'x' WHERE id = %s",
            [entry.pk],
            purge_before=timezone.now(),
        )
    entry.refresh_from_db()
    assert entry.action == "auth.signed_out"


def test_a_purge_cannot_delete_an_entry_younger_than_a_year(on_postgresql):
    RetentionPolicy.objects.update_or_create(key="portal.auditentry", defaults={"days": 365})
    with time_machine.travel(timezone.now() - datetime.timedelta(days=300), tick=False):
        recent = _entry()
    # Even with a cutoff in the future, the database's own clock says it is too young.
    with pytest.raises(DatabaseError, match="append-only"):
        _sql(
            "DELETE FROM portal_auditentry WHERE id = %s",
            [recent.pk],
            purge_before=timezone.now() + datetime.timedelta(days=1),
        )


def test_a_purge_cannot_delete_an_entry_the_period_still_keeps(on_postgresql):
    entry = _old_entry()
    # A period of 20 years: the 2020 entry is kept whatever cutoff the session claims.
    RetentionPolicy.objects.update_or_create(key="portal.auditentry", defaults={"days": 7300})
    with pytest.raises(DatabaseError, match="append-only"):
        _sql(
            "DELETE FROM portal_auditentry WHERE id = %s",
            [entry.pk],
            purge_before=timezone.now(),
        )


def test_a_purge_cannot_delete_an_entry_newer_than_its_own_cutoff(on_postgresql):
    entry = _old_entry()
    with pytest.raises(DatabaseError, match="append-only"):
        _sql(
            "DELETE FROM portal_auditentry WHERE id = %s",
            [entry.pk],
            purge_before=_at(2019, 1, 1),
        )


def test_old_entries_are_purged_on_the_day_they_are_due_and_held_ones_kept(on_postgresql):
    division = DivisionFactory()
    with time_machine.travel(_at(2021, 3, 1, 12), tick=False):
        plain = _entry()
        about_held_case = _entry(target=division)
    LegalHold.objects.create(
        content_type=ContentType.objects.get_for_model(division),
        object_id=str(division.pk),
        target_label="Division under hold",
        reason="Claim filed",
    )
    # Three years (1095 days) from 1 March 2021: due on 29 February 2024.
    with time_machine.travel(_at(2024, 2, 28, 23, 59), tick=False):
        retention.retention_purge(keys=["portal.auditentry"])
    assert AuditEntry.objects.filter(pk=plain.pk).exists()
    with time_machine.travel(_at(2024, 2, 29, 0, 1), tick=False):
        report = retention.retention_purge(keys=["portal.auditentry"])
    assert report.rows == {"portal.auditentry": 1}
    assert not AuditEntry.objects.filter(pk=plain.pk).exists()
    assert AuditEntry.objects.filter(pk=about_held_case.pk).exists()
    purged = AuditEntry.objects.get(action="portal.retention.purged")
    assert purged.detail["kind"] == "portal.auditentry" and purged.detail["count"] == 1


def test_the_model_still_refuses_to_change_or_delete_an_entry():
    entry = _old_entry()
    with pytest.raises(Exception, match="cannot be deleted"):
        entry.delete()
    entry.action = "x"
    with pytest.raises(Exception, match="cannot be changed"):
        entry.save()


@pytest.mark.django_db(transaction=True)
def test_the_app_role_purges_old_entries_only_through_the_purge(on_postgresql):
    """In production web, worker and beat connect as a role with no DELETE on the audit log
    (db_app_role); the purge still works, through the database's one door for it."""
    role = f"portal_app_ret_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {role}")
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
    call_command("db_app_role", role)
    try:
        old = _old_entry()
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {role}")
            cursor.execute("DELETE FROM portal_auditentry WHERE id = %s", [old.pk])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {role}")
            with time_machine.travel(_at(2024, 6, 1, 12), tick=False):
                report = retention.retention_purge(keys=["portal.auditentry"])
        assert report.rows == {"portal.auditentry": 1}
        assert not AuditEntry.objects.filter(pk=old.pk).exists()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")
