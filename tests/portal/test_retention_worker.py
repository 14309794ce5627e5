"""The retention purge run by a real `celery worker` process, as beat hands it over: the worker
deletes what is due, keeps the rest, and audits the counts."""

import datetime

import pytest
from django.utils import timezone

from portal.models import AuditEntry, Notification
from portal.tasks import retention_purge

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _sent(recipient: str, age_days: int) -> Notification:
    notification = Notification.objects.create(
        channel="email",
        recipient=recipient,
        body="Your permit",
        status="sent",
        next_attempt_at=timezone.now(),
    )
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=age_days)
    )
    return notification


def test_the_worker_purges_what_is_due_and_audits_the_count(celery_worker):
    old = [_sent(f"old{n}@example.org", 200) for n in range(3)]
    recent = _sent("recent@example.org", 10)
    retention_purge.delay()
    celery_worker.wait_for(
        lambda: not Notification.objects.filter(pk__in=[n.pk for n in old]).exists()
    )
    assert Notification.objects.filter(pk=recent.pk).exists()
    counts = AuditEntry.objects.filter(
        action="portal.retention.purged", detail__kind="portal.notification"
    ).values_list("detail__count", flat=True)
    assert sum(counts) == 3
