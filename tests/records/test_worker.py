"""Records jobs on a real Celery worker and Redis broker."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import Notification
from records.tasks import deadlines_run
from tests.records.factories import RecordRequestFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_sends_the_deemed_denial_notice_once_when_the_job_runs_twice(celery_worker):
    late = RecordRequestFactory(due_date=timezone.localdate() - timedelta(days=10))
    deadlines_run.delay()
    deadlines_run.delay()
    key = f"records:deemed-denial:{late.pk}"
    celery_worker.wait_for(
        lambda: Notification.objects.filter(dedupe_key=key, status="sent").exists(), timeout=60
    )
    time.sleep(3)  # let the second run finish too
    mails = [m for m in celery_worker.mails() if late.tracking_number in m and "appeal" in m]
    assert len(mails) == 1
