"""The outbox with a real `celery worker` process and a real Redis broker: delivery after
commit, exactly once, and recovery from a broker outage without losing the message."""

import time

import pytest
from django.db import transaction

from portal.models import Notification
from portal.services.notifications import notification_enqueue
from portal.tasks import deliver_notification, notification_sweep

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _queue(recipient: str) -> Notification:
    with transaction.atomic():
        return notification_enqueue(
            channel="email", recipient=recipient, subject="Your request", body="Received."
        )


def _status(notification: Notification) -> str:
    return Notification.objects.get(pk=notification.pk).status


def _copies(worker, notification: Notification) -> int:
    return sum(f"<{notification.pk}@" in message for message in worker.mails())


def test_worker_delivers_a_message_after_commit(celery_worker):
    notification = _queue("one@example.org")
    celery_worker.wait_for(lambda: _status(notification) == "sent")
    assert _copies(celery_worker, notification) == 1


def test_message_is_sent_once_however_often_it_is_handed_over(celery_worker):
    notification = _queue("twice@example.org")
    for _ in range(5):
        deliver_notification.delay(str(notification.pk))
    notification_sweep.delay()
    celery_worker.wait_for(lambda: _status(notification) == "sent")
    time.sleep(3)  # let every duplicate hand-over reach the worker
    assert _copies(celery_worker, notification) == 1


def test_submission_survives_a_broker_outage_and_the_message_goes_out_later(
    celery_worker, broker_proxy
):
    broker_proxy.stop()
    try:
        started = time.monotonic()
        notification = _queue("outage@example.org")  # must not raise
        assert time.monotonic() - started < 5
        time.sleep(2)
        assert _status(notification) == "pending"
        assert _copies(celery_worker, notification) == 0
    finally:
        broker_proxy.start()
    # No one hands it over again by hand: the worker reconnects and beat's sweep finds it.
    celery_worker.wait_for(lambda: _status(notification) == "sent", timeout=90)
    assert _copies(celery_worker, notification) == 1
