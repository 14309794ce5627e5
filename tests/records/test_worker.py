"""Records jobs on a real Celery worker and Redis broker.

One test on purpose: the worker process caches content types, and the database is flushed
(and its content types renumbered) between transactional tests, so a second test that makes the
worker write audit entries for the same model would meet a stale cache that production never
sees."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import Notification
from records import services
from records.models import Document, ReleasePacket
from records.tasks import deadlines_run
from tests.factories import UserFactory
from tests.records.factories import RecordRequestFactory
from tests.support.release import prepared_packet as _prepared

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_tells_a_deemed_denial_once_and_builds_a_release_packet(celery_worker):
    # The deadline job run twice at once: one appeal notice.
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

    # A packet prepared by one clerk, approved by another, built by the worker.
    clerk, supervisor = UserFactory(), UserFactory()
    record_request = RecordRequestFactory()
    packet = _prepared(record_request, clerk)
    services.packet_approve(packet=packet, actor=supervisor)
    services.packet_generate(packet=packet, actor=supervisor)  # handed over after commit
    celery_worker.wait_for(
        lambda: ReleasePacket.objects.get(pk=packet.pk).state in {"ready", "failed"}, timeout=60
    )
    packet.refresh_from_db()
    assert (packet.state, packet.error, packet.pages) == ("ready", "", 6)
    assert Document.objects.filter(request=record_request, kind="released").count() == 1
