"""The application's database role cannot rewrite the audit log, by any statement: not UPDATE,
DELETE or TRUNCATE, and not by dropping or disabling the trigger (it owns nothing)."""

import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from portal.models import AuditEntry
from portal.services.audit import audit_record

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="roles and the audit trigger exist on PostgreSQL only",
    ),
]


@pytest.fixture
def app_role():
    role = f"portal_app_test_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {role}")
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
    call_command("db_app_role", role)
    yield role
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute(f"DROP OWNED BY {role}")
        cursor.execute(f"DROP ROLE {role}")


def _as(role, statement):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute(statement)


def test_the_app_role_writes_audit_entries_and_ordinary_rows(app_role):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {app_role}")
        entry = audit_record(actor=None, action="auth.sign_in_failed", actor_label="x")
        cursor.execute("UPDATE portal_notification SET attempts = attempts WHERE false")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE portal_auditentry SET action = 'rewritten'",
        "DELETE FROM portal_auditentry",
        "TRUNCATE portal_auditentry",
        "DROP TRIGGER portal_auditentry_append_only ON portal_auditentry",
        "ALTER TABLE portal_auditentry DISABLE TRIGGER portal_auditentry_append_only",
        "DROP TABLE portal_auditentry",
    ],
)
def test_the_app_role_cannot_rewrite_the_audit_log(app_role, statement):
    audit_record(actor=None, action="auth.sign_in_failed", actor_label="kept")
    with pytest.raises(DatabaseError):
        _as(app_role, statement)
    assert AuditEntry.objects.filter(actor_label="kept").count() == 1


def test_a_superuser_is_refused_as_the_app_role():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (me,) = cursor.fetchone()
    with pytest.raises(CommandError):
        call_command("db_app_role", me)
