import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from portal import roles
from portal.models import AuditEntry, Division
from portal.services.audit import audit_record
from portal.staff_auth import username_digest
from tests.factories import DivisionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_entry_records_who_what_and_which_record():
    user = UserFactory(username="clerk1")
    division = DivisionFactory()
    entry = audit_record(actor=user, action="portal.division.viewed", target=division)
    assert (entry.actor, entry.actor_label, entry.target_id) == (user, "clerk1", str(division.pk))
    assert entry.target_type.model == "division"


def test_entries_cannot_be_changed_or_deleted_through_the_model():
    entry = audit_record(actor=None, action="auth.sign_in_failed", actor_label="mallory")
    entry.action = "something.else"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()


def test_database_refuses_to_rewrite_the_audit_log(on_postgresql):
    entry = audit_record(actor=None, action="auth.sign_in_failed", actor_label="mallory")
    for statement in (
        "UPDATE portal_auditentry SET action = 'x' WHERE id = %s",
        "DELETE FROM portal_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "auth.sign_in_failed"


def test_admin_change_is_audited_with_the_changed_fields(client):
    admin_user = UserFactory(username="siteadmin", roles=[roles.SITE_ADMINISTRATORS])
    division = DivisionFactory(phone="(860) 555-0001")
    client.force_login(admin_user)
    url = reverse("admin:portal_division_change", args=[division.pk])
    data = {
        "name_en": division.name_en,
        "name_es": division.name_es,
        "description_en": "",
        "description_es": "",
        "phone": "(860) 555-0002",
        "email": "",
        "address": "",
        "hours_en": "",
        "hours_es": "",
        "order": division.order,
        "is_published": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    entry = AuditEntry.objects.get(action="portal.division.changed")
    assert entry.actor == admin_user
    assert entry.detail == {"fields": ["phone"]}
    assert Division.objects.get(pk=division.pk).phone == "(860) 555-0002"


def test_sign_in_and_failed_sign_in_are_audited(client):
    UserFactory(username="officer1")
    client.post(reverse("admin:login"), {"username": "officer1", "password": "wrong"})
    client.post(
        reverse("admin:login"), {"username": "officer1", "password": "correct horse battery"}
    )
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "actor_label"))
    digest = username_digest("officer1")
    assert actions == [("auth.sign_in_failed", digest), ("auth.signed_in", "officer1")]


def test_a_failed_sign_in_keeps_no_readable_trace_of_what_was_typed(client):
    """People type their password into the name field: only a keyed hash is kept."""
    typed = "my-Secret-passw0rd"
    client.post(reverse("admin:login"), {"username": typed, "password": "wrong"})
    entry = AuditEntry.objects.get(action="auth.sign_in_failed")
    assert typed not in entry.actor_label and typed.lower() not in str(entry.detail).lower()
    assert entry.actor_label == username_digest(typed) != username_digest(typed + "x")


def test_audit_log_is_read_only_in_admin(client):
    admin_user = UserFactory(username="root", is_superuser=True)
    entry = audit_record(actor=admin_user, action="portal.notification.retried")
    client.force_login(admin_user)
    assert client.get(reverse("admin:portal_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:portal_auditentry_add")).status_code == 403
    assert (
        client.post(reverse("admin:portal_auditentry_delete", args=[entry.pk])).status_code == 403
    )


@pytest.mark.parametrize(
    "changelist", ["admin:portal_auditentry_changelist", "admin:portal_notification_changelist"]
)
def test_the_long_kernel_lists_never_count_the_whole_table(client, changelist):
    """The audit log (every plate lookup) and the outbox grow without end: a page counts at
    most COUNT_CAP rows, and says so rather than reading them all."""
    from django.test.utils import CaptureQueriesContext

    from portal.admin import CappedCountPaginator

    admin_user = UserFactory(username="root", is_superuser=True)
    for action in ["auth.signed_in", "auth.signed_out", "portal.notification.retried"]:
        audit_record(actor=admin_user, action=action)
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as seen:
        response = client.get(reverse(changelist))
    assert response.status_code == 200
    assert isinstance(response.context["cl"].paginator, CappedCountPaginator)
    counts = [q["sql"] for q in seen.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT" in sql.upper() for sql in counts), counts


def test_the_list_of_actions_comes_from_the_index_in_order():
    from portal.selectors import audit_action_list

    assert audit_action_list() == []
    for action in ["portal.notification.retried", "auth.signed_out", "auth.signed_in"] * 3:
        audit_record(actor=None, action=action)
    assert audit_action_list() == [
        "auth.signed_in",
        "auth.signed_out",
        "portal.notification.retried",
    ]


def test_the_audit_log_filters_by_action_and_date_without_reading_every_row(client):
    from django.test.utils import CaptureQueriesContext

    admin_user = UserFactory(username="root", is_superuser=True)
    audit_record(actor=admin_user, action="portal.notification.retried")
    audit_record(actor=admin_user, action="auth.signed_out")
    client.force_login(admin_user)
    url = reverse("admin:portal_auditentry_changelist")
    with CaptureQueriesContext(connection) as seen:
        page = client.get(url)
    assert 'href="?action=portal.notification.retried"' in page.content.decode()
    assert "Notification retried" in page.content.decode()  # the registered label
    sql = " ".join(q["sql"].upper() for q in seen.captured_queries)
    assert "DATE_TRUNC" not in sql
    if connection.vendor == "postgresql":  # the index skip-scan (SQLite: a plain DISTINCT)
        assert "SELECT DISTINCT" not in sql
    only = client.get(url, {"action": "portal.notification.retried"}).context["cl"].result_list
    assert [entry.action for entry in only] == ["portal.notification.retried"]
    from django.utils import timezone

    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = client.get(url, {"at__gte": midnight.isoformat()})
    assert today.status_code == 200
    assert today.context["cl"].result_count >= 2


def test_an_unregistered_action_is_refused_in_strict_mode(settings):
    from portal.services.audit import UnknownAuditAction

    settings.AUDIT_ACTIONS_STRICT = True
    with pytest.raises(UnknownAuditAction):
        audit_record(actor=None, action="tips.tip.decrypt")  # present tense: not a name
    assert not AuditEntry.objects.filter(action="tips.tip.decrypt").exists()
    audit_record(actor=None, action="portal.division.changed")  # the admin's own verbs pass
