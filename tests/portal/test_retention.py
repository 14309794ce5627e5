"""Retention: a record is purged on the day its period ends and not the day before, in batches
that a dead run leaves resumable, with the counts (never the content) in the audit log; the
department sets each period in admin, never under the kind's minimum."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal import registry, roles
from portal.errors import DomainError
from portal.models import AuditEntry, Notification, PurgeFile, RetentionPolicy
from portal.services import retention
from portal.tasks import retention_purge as retention_purge_task
from tests.factories import UserFactory
from tests.support.otp import verified_login

pytestmark = pytest.mark.django_db

ZONE = zoneinfo.ZoneInfo("America/New_York")


def _at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=ZONE)


def _message(status="sent", recipient="resident@example.org") -> Notification:
    return Notification.objects.create(
        channel="email",
        recipient=recipient,
        subject="Your permit",
        body="Permit PX-1 for 12 Elm Street",
        status=status,
        next_attempt_at=timezone.now(),
    )


@pytest.fixture
def site_admin(client):
    user = UserFactory(username="rosa", roles=[roles.SITE_ADMINISTRATORS])
    verified_login(client, user)
    return user


def test_every_registered_kind_names_real_fields():
    assert retention.retention_kinds_check() == []
    keys = {kind.key for kind in registry.retention_kinds.all()}
    assert {
        "tips.tip",
        "tips.message",
        "parking.permit",
        "parking.permit_contact",
        "records.request",
        "programs.registration",
        "programs.subscription",
        "custody.visitrequest",
        "careers.application",
        "portal.notification",
        "portal.auditentry",
        "axes.accesslog",
        "portal.stafftoken",
        "service_requests.request",
        "complaints.complaint",
    } <= keys


def test_a_sent_message_is_purged_on_the_day_it_is_due_and_not_the_day_before():
    with time_machine.travel(_at(2026, 1, 10, 23, 30), tick=False):  # 04:30 UTC on the 11th
        sent = _message()
        pending = _message(status="pending")
    # 90 days from its local day, 10 January: due on 10 April, local time.
    with time_machine.travel(_at(2026, 4, 9, 23, 59), tick=False):
        assert retention.retention_purge().rows == {}
        assert Notification.objects.filter(pk=sent.pk).exists()
    with time_machine.travel(_at(2026, 4, 10, 0, 1), tick=False):
        report = retention.retention_purge()
    assert report.rows == {"portal.notification": 1}
    assert not Notification.objects.filter(pk=sent.pk).exists()
    assert Notification.objects.filter(pk=pending.pk).exists()  # still owed: never purged


def test_the_purge_writes_counts_per_kind_and_no_content_to_the_audit_log():
    with time_machine.travel(_at(2026, 1, 10, 12), tick=False):
        for n in range(3):
            _message(recipient=f"person{n}@example.org")
    with time_machine.travel(_at(2026, 6, 1, 3), tick=False):
        retention.retention_purge(batch=2)
    entries = list(AuditEntry.objects.filter(action="portal.retention.purged").order_by("id"))
    assert [(e.detail["kind"], e.detail["count"]) for e in entries] == [
        ("portal.notification", 2),
        ("portal.notification", 1),
    ]
    assert entries[0].actor is None and entries[0].actor_label == "retention"
    text = str([e.detail for e in entries]) + str([e.target_label for e in entries])
    assert "example.org" not in text and "Elm Street" not in text


def test_a_kind_whose_purge_is_turned_off_is_kept():
    with time_machine.travel(_at(2026, 1, 10, 12), tick=False):
        sent = _message()
    RetentionPolicy.objects.filter(key="portal.notification").update(enabled=False)
    with time_machine.travel(_at(2027, 1, 10, 12), tick=False):
        retention.retention_purge()
    assert Notification.objects.filter(pk=sent.pk).exists()


@pytest.fixture
def crashing_kind():
    """A kind over the outbox whose purge dies in its second batch, after deleting the rows:
    as a worker killed, or a database error, in the middle of a run."""
    calls = []

    def purge(rows):
        calls.append(1)
        deleted, _by_model = rows.delete()
        if len(calls) == 2:
            raise RuntimeError("worker died")
        return deleted

    kind = registry.retention_kinds.register(
        registry.RetentionKind(
            key="tests.crashing",
            label="Crashing",
            model="portal.Notification",
            date_field="created_at",
            default_days=1,
            schedule="-",
            hold_paths=(),
            purge=purge,
        )
    )
    yield kind
    registry.retention_kinds.unregister(kind.key)


def test_a_run_that_dies_midway_keeps_whole_batches_and_the_next_run_resumes(crashing_kind):
    with time_machine.travel(_at(2026, 1, 10, 12), tick=False):
        messages = [_message(recipient=f"p{n}@example.org") for n in range(5)]
    with time_machine.travel(_at(2026, 1, 20, 12), tick=False):
        with pytest.raises(RuntimeError):
            retention.retention_purge(batch=2, keys=["tests.crashing"])
        # The first batch committed; the second rolled back whole (rows and audit entry).
        assert Notification.objects.count() == 3
        assert AuditEntry.objects.filter(action="portal.retention.purged").count() == 1
        registry.retention_kinds.register(
            registry.RetentionKind(**{**crashing_kind.__dict__, "purge": None})
        )
        retention.retention_purge(batch=2, keys=["tests.crashing"])
    assert not Notification.objects.filter(pk__in=[m.pk for m in messages]).exists()
    counts = AuditEntry.objects.filter(action="portal.retention.purged").values_list(
        "detail__count", flat=True
    )
    assert sum(counts) == 5


def test_a_file_whose_removal_was_interrupted_is_removed_by_the_next_run(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("left/behind.bin", ContentFile(b"encrypted bytes"))
    # What a run that died between its commit and the storage call leaves: the row says owed.
    PurgeFile.objects.create(field="portal.Officer.photo", name=name)
    retention.retention_purge()
    assert not default_storage.exists(name)
    assert not PurgeFile.objects.exists()


def test_the_beat_task_runs_the_purge():
    with time_machine.travel(_at(2026, 1, 10, 12), tick=False):
        _message()
    with time_machine.travel(_at(2026, 9, 1, 12), tick=False):
        assert retention_purge_task.delay().get() == 1
    assert not Notification.objects.exists()


# --- Periods set in admin -----------------------------------------------------------------------


def test_a_site_administrator_changes_a_period_in_admin_and_it_is_audited(client, site_admin):
    retention.retention_policies_sync()
    policy = RetentionPolicy.objects.get(key="portal.notification")
    page = client.get(reverse("admin:portal_retentionpolicy_change", args=[policy.pk]))
    assert "schedule M1" in page.content.decode()  # the schedule item is the help text
    response = client.post(
        reverse("admin:portal_retentionpolicy_change", args=[policy.pk]),
        {"days": "120", "enabled": "on"},
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.days == 120
    entry = AuditEntry.objects.get(action="portal.retentionpolicy.changed")
    assert entry.actor == site_admin
    assert entry.detail == {
        "before": {"days": 90, "enabled": True},
        "after": {"days": 120, "enabled": True},
    }


def test_a_period_under_the_kinds_minimum_is_refused_in_admin(client, site_admin):
    retention.retention_policies_sync()
    policy = RetentionPolicy.objects.get(key="portal.auditentry")
    response = client.post(
        reverse("admin:portal_retentionpolicy_change", args=[policy.pk]),
        {"days": "30", "enabled": "on"},
    )
    assert response.status_code == 200
    assert "at least 365 days" in response.content.decode()
    policy.refresh_from_db()
    assert policy.days == 3 * 365


def test_a_period_under_the_kinds_minimum_is_refused_by_the_service(site_admin):
    retention.retention_policies_sync()
    policy = RetentionPolicy.objects.get(key="portal.auditentry")
    with pytest.raises(DomainError) as refused:
        retention.retention_policy_update(actor=site_admin, policy=policy, days=364, enabled=True)
    assert refused.value.domain_code == "below_minimum"
    assert not AuditEntry.objects.filter(action="portal.retentionpolicy.changed").exists()


def test_staff_without_the_role_cannot_change_a_period(client):
    retention.retention_policies_sync()
    verified_login(client, UserFactory(roles=[roles.PARKING_OFFICERS]))
    policy = RetentionPolicy.objects.get(key="portal.notification")
    response = client.post(
        reverse("admin:portal_retentionpolicy_change", args=[policy.pk]), {"days": "1"}
    )
    assert response.status_code == 403
    policy.refresh_from_db()
    assert policy.days == 90


def test_the_admin_page_shows_what_is_due_in_the_next_week(client, site_admin):
    with time_machine.travel(_at(2026, 1, 10, 12), tick=False):
        _message()  # due 10 April
    with time_machine.travel(_at(2026, 1, 20, 12), tick=False):
        _message()  # due 20 April
    with time_machine.travel(_at(2026, 4, 5, 12), tick=False):
        rows = {row.kind.key: row for row in retention.retention_due_list()}
        assert (
            rows["portal.notification"].due_today,
            rows["portal.notification"].due_next_week,
        ) == (
            0,
            1,
        )
        page = client.get(reverse("admin:portal_retentionpolicy_changelist"))
    assert page.status_code == 200
    assert "Due in the next 7 days" in page.content.decode()


def test_the_due_page_costs_the_same_queries_with_more_records(
    client, site_admin, django_assert_max_num_queries
):
    retention.retention_policies_sync()
    url = reverse("admin:portal_retentionpolicy_changelist")
    with time_machine.travel(_at(2026, 1, 10, 12), tick=False):
        _message()
    with (
        time_machine.travel(_at(2026, 4, 5, 12), tick=False),
        CaptureQueriesContext(connection) as few,
    ):
        client.get(url)
    with time_machine.travel(_at(2026, 1, 11, 12), tick=False):
        for n in range(30):
            _message(recipient=f"more{n}@example.org")
    with (
        time_machine.travel(_at(2026, 4, 5, 12), tick=False),
        django_assert_max_num_queries(len(few.captured_queries)),
    ):
        client.get(url)


def test_a_kind_naming_a_field_that_does_not_exist_fails_the_system_check():
    kind = registry.retention_kinds.register(
        registry.RetentionKind(
            key="tests.misspelt",
            label="Misspelt",
            model="portal.Notification",
            date_field="sent_on",
            default_days=30,
            schedule="-",
        )
    )
    try:
        errors = retention.check_retention_kinds()
    finally:
        registry.retention_kinds.unregister(kind.key)
    assert [error.id for error in errors] == ["portal.E301"]
    assert "tests.misspelt" in errors[0].msg


def test_purging_a_kind_that_is_not_registered_is_an_error_not_a_silent_no_op():
    with pytest.raises(DomainError) as refused:
        retention.retention_purge(keys=["custody.bookings"])
    assert refused.value.domain_code == "unknown_kind"
