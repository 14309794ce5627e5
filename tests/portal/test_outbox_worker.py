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


def _with_files(recipient: str) -> Notification:
    from portal.services.notifications import Attachment

    with transaction.atomic():
        return notification_enqueue(
            channel="email",
            recipient=recipient,
            subject="Tonight's list",
            body="Attached.",
            attachments=[
                Attachment(
                    "hello.txt", "text/plain", "tests.support.attachments.greeting", {"name": "Ana"}
                ),
                Attachment(
                    "data.bin",
                    "application/octet-stream",
                    "tests.support.attachments.binary",
                    {"size": 300},
                ),
            ],
        )


def _mail_of(worker, notification: Notification):
    import email

    [raw] = [m for m in worker.mails() if f"<{notification.pk}@" in m]
    return email.message_from_string(raw.strip())


def test_worker_sends_an_e_mail_with_its_attachments_once(celery_worker):
    from tests.support.attachments import binary

    notification = _with_files("files@example.org")
    for _ in range(3):
        deliver_notification.delay(str(notification.pk))
    celery_worker.wait_for(lambda: _status(notification) == "sent")
    time.sleep(2)  # let the duplicate hand-overs reach the worker
    assert _copies(celery_worker, notification) == 1
    parts = {
        part.get_filename(): part
        for part in _mail_of(celery_worker, notification).walk()
        if part.get_filename()
    }
    assert set(parts) == {"hello.txt", "data.bin"}
    assert parts["hello.txt"].get_payload(decode=True) == b"Hello, Ana.\n"
    assert parts["data.bin"].get_content_type() == "application/octet-stream"
    assert parts["data.bin"].get_payload(decode=True) == binary(size=300)


def test_worker_retries_a_failed_attachment_and_attaches_it_on_the_retry(celery_worker):
    from django.core.cache import cache

    from portal.services.notifications import Attachment
    from tests.support.attachments import FAIL_KEY

    cache.set(FAIL_KEY, True)  # the worker shares this cache: its first attempt fails
    with transaction.atomic():
        notification = notification_enqueue(
            channel="email",
            recipient="retry-files@example.org",
            subject="Report",
            body="Attached.",
            attachments=[
                Attachment("r.txt", "text/plain", "tests.support.attachments.flaky", {"name": "Bo"})
            ],
        )
    # The worker's back-off is one second and its beat sweeps every second.
    celery_worker.wait_for(lambda: _status(notification) == "sent", timeout=60)
    stored = Notification.objects.get(pk=notification.pk)
    assert stored.attempts == 2 and "report store is unavailable" in stored.last_error
    assert _copies(celery_worker, notification) == 1
    [part] = [p for p in _mail_of(celery_worker, notification).walk() if p.get_filename()]
    assert part.get_filename() == "r.txt"
    assert part.get_payload(decode=True) == b"Made for Bo.\n"
