"""Unsuccessful applications and their CVs are deleted the department's period for
"careers.application" after the decision (CAREERS_RETENTION_DAYS by default), by the kernel's
hourly purge (beat's `portal.tasks.retention_purge`; careers has no purge of its own): a legal
hold keeps one, and the purge takes the lock a hold placement takes; nothing else is deleted."""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from careers import services
from careers.models import InternshipApplication, private_storage
from portal import registry, roles
from portal.models import AuditEntry, RetentionPolicy
from portal.services import retention
from portal.tasks import retention_purge as retention_purge_task
from tests.careers.factories import cv_pdf
from tests.factories import UserFactory
from tests.support.retention import run_while_the_lock_is_held

pytestmark = pytest.mark.django_db

Status = InternshipApplication.Status
KIND = "careers.application"


def _purge() -> int:
    """The kernel's purge of every kind, as beat runs it; how many applications went."""
    return retention.retention_purge().rows.get(KIND, 0)


def _application(**overrides):
    values = {
        "name": "Ana Reyes",
        "email": "ana@example.org",
        "phone": "",
        "school": "Eastbrook Community College",
        "program_of_study": "Criminal justice",
        "expected_graduation": "May 2028",
        "semester": "fall",
        "hours_per_week": 12,
        "statement": "I want to learn.",
        "cv": cv_pdf(),
        "language": "en",
    }
    values.update(overrides)
    return services.application_submit(**values)


def _decide(application, reviewer, status):
    if status == Status.OFFERED:
        for step in (Status.UNDER_REVIEW, Status.SHORTLISTED, Status.INTERVIEW):
            services.application_update(actor=reviewer, application=application, status=step)
    services.application_update(actor=reviewer, application=application, status=status)


def test_applications_are_purged_by_the_kernels_hourly_beat_run():
    entry = settings.CELERY_BEAT_SCHEDULE["retention-purge"]
    assert entry["task"] == "portal.tasks.retention_purge"
    assert entry["schedule"] <= 3600
    assert KIND in {kind.key for kind in registry.retention_kinds.all()}


def test_unsuccessful_application_and_its_cv_are_deleted_after_the_retention_period(
    at_local_noon, reviewer, django_capture_on_commit_callbacks
):
    rejected = _application()
    offered = _application(email="ben@example.org")
    waiting = _application(email="cy@example.org")
    _decide(rejected, reviewer, Status.NOT_SELECTED)
    _decide(offered, reviewer, Status.OFFERED)
    rejected.refresh_from_db()
    cv_name = rejected.cv.name
    assert private_storage().exists(cv_name)

    later = timezone.now() + timedelta(days=settings.CAREERS_RETENTION_DAYS - 1)
    with time_machine.travel(later):
        retention_purge_task.delay().get()
    assert InternshipApplication.objects.filter(pk=rejected.pk).exists()

    later = timezone.now() + timedelta(days=settings.CAREERS_RETENTION_DAYS + 1)
    # The CV leaves storage once the deletion has committed (the kernel's purge).
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        retention_purge_task.delay().get()
    assert not InternshipApplication.objects.filter(pk=rejected.pk).exists()
    assert not private_storage().exists(cv_name)
    assert set(InternshipApplication.objects.values_list("pk", flat=True)) == {
        offered.pk,
        waiting.pk,
    }
    # The same run purged other kinds come due meanwhile (the outbox's e-mails to her).
    entry = AuditEntry.objects.get(action="portal.retention.purged", detail__kind=KIND)
    assert (entry.detail["count"], entry.detail["files"]) == (1, 1)
    assert "ana@example.org" not in str(entry.detail)


def test_the_purge_is_idempotent(reviewer):
    rejected = _application()
    _decide(rejected, reviewer, Status.NOT_SELECTED)
    later = timezone.now() + timedelta(days=settings.CAREERS_RETENTION_DAYS + 1)
    with time_machine.travel(later):
        assert _purge() == 1
        assert _purge() == 0


def test_the_retention_period_is_the_departments_policy(
    reviewer, settings, django_capture_on_commit_callbacks
):
    RetentionPolicy.objects.update_or_create(key="careers.application", defaults={"days": 10})
    rejected = _application()
    _decide(rejected, reviewer, Status.NOT_SELECTED)
    with (
        time_machine.travel(timezone.now() + timedelta(days=11)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert _purge() == 1
    assert not list(Path(settings.CAREERS_FILE_ROOT).rglob("*.bin"))


def test_a_held_application_is_kept_by_the_purge(reviewer):
    rejected = _application()
    _decide(rejected, reviewer, Status.NOT_SELECTED)
    admin = UserFactory(roles=[roles.SITE_ADMINISTRATORS])
    retention.legal_hold_place(
        actor=admin, kind_key="careers.application", case=str(rejected.pk), reason="EEOC charge"
    )
    later = timezone.now() + timedelta(days=settings.CAREERS_RETENTION_DAYS + 1)
    with time_machine.travel(later):
        assert _purge() == 0
    assert InternshipApplication.objects.filter(pk=rejected.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_purge_of_applications_waits_for_the_lock_a_hold_placement_takes(
    on_postgresql, reviewer
):
    rejected = _application()
    _decide(rejected, reviewer, Status.NOT_SELECTED)
    later = timezone.now() + timedelta(days=settings.CAREERS_RETENTION_DAYS + 1)
    with time_machine.travel(later):
        waited, outcome = run_while_the_lock_is_held(_purge)
    assert waited and outcome == {"value": 1}
    assert not InternshipApplication.objects.filter(pk=rejected.pk).exists()
