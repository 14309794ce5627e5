"""Released records are purged by the beat task after the department's retention period."""

import datetime

import pytest
from django.utils import timezone

from custody import tasks
from custody.models import CustodyRecord, CustodySettings, VisitRequest
from portal.models import AuditEntry
from tests.custody.factories import booking, slot

pytestmark = pytest.mark.django_db


def _released(number, days_ago):
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    return booking(
        number,
        booked_at=(moment - datetime.timedelta(days=1)).isoformat(),
        released_at=moment.isoformat(),
    )


def test_the_beat_task_purges_records_released_before_the_retention_period():
    settings = CustodySettings.get_solo()
    settings.retention_days = 10
    settings.save()
    old = _released("EB-OLD", 11)
    recent = _released("EB-NEW", 9)
    held = booking("EB-HELD")
    assert tasks.records_purge.delay().get() == 1
    remaining = set(CustodyRecord.objects.values_list("booking_number", flat=True))
    assert remaining == {recent.booking_number, held.booking_number}
    assert old.booking_number not in remaining
    assert AuditEntry.objects.filter(action="custody.record.purged").count() == 1


def test_purging_twice_is_purging_once():
    _released("EB-OLD", 400)
    assert tasks.records_purge() == 1
    assert tasks.records_purge() == 0
    assert AuditEntry.objects.filter(action="custody.record.purged").count() == 1


def test_the_purge_runs_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["custody-records-purge"]
    assert entry["task"] == "custody.tasks.records_purge"


def test_visit_requests_of_old_slots_are_purged_too():
    settings = CustodySettings.get_solo()
    settings.retention_days = 10
    settings.save()
    old = slot(days=-11)
    recent = slot(days=-9)
    for chosen in (old, recent):
        VisitRequest.objects.create(slot=chosen, name="Sam", email="s@example.org", visiting="x")
    tasks.records_purge()
    assert list(VisitRequest.objects.values_list("slot", flat=True)) == [recent.pk]
