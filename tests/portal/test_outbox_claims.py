"""The outbox's claim: a message is taken (`sending`, committed) before a byte goes to the mail
server, marked sent right after, and a claim left behind by a dead worker is sent again by the
sweep once its lease is over. The same under a real worker, SIGKILLed, is in
tests/faults/test_outbox_faults.py."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from portal.models import Notification
from portal.services import notifications
from portal.services.notifications import (
    delivery,
    notification_deliver,
    notification_deliver_batch,
    notification_enqueue,
    notification_sweep,
    outbox,
)

pytestmark = pytest.mark.django_db


def _email(n: int = 0, **overrides) -> Notification:
    fields = {
        "channel": "email",
        "recipient": f"holder{n}@example.org",
        "subject": "Parking ban",
        "body": "Your permit for tonight is cancelled.",
    }
    return notification_enqueue(**{**fields, **overrides})


def test_the_claim_is_committed_before_the_message_reaches_the_server(monkeypatch):
    notification = _email()
    seen = {}

    def send(message, connection=None):
        # What another connection (a second worker, the sweep) sees while the server talks.
        seen["status"] = Notification.objects.get(pk=message.pk).status
        seen["claimed"] = Notification.objects.get(pk=message.pk).claimed_at is not None
        mail.outbox.append(message)

    monkeypatch.setattr(delivery, "_send", send)
    assert notification_deliver(notification_id=notification.pk).sent
    assert seen == {"status": "sending", "claimed": True}
    notification.refresh_from_db()
    assert (notification.status, notification.claimed_at) == ("sent", None)


def test_a_claimed_message_is_not_sent_again_while_its_lease_runs(settings):
    settings.NOTIFICATION_SENDING_LEASE_SECONDS = 300
    notification = _email()
    Notification.objects.filter(pk=notification.pk).update(
        status="sending", claimed_at=timezone.now()
    )
    assert not notification_deliver(notification_id=notification.pk).sent
    assert notification_sweep() == 0
    assert mail.outbox == []


def test_a_claim_left_by_a_dead_worker_is_sent_again_after_the_lease_and_says_so(
    settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_SENDING_LEASE_SECONDS = 60
    settings.NOTIFICATION_SWEEP_GRACE_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=False):
        notification = _email()  # queued; its task is lost with the worker
    Notification.objects.filter(pk=notification.pk).update(
        status="sending", claimed_at=timezone.now(), attempts=1
    )
    with (
        time_machine.travel(timezone.now() + timedelta(seconds=61)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert notification_sweep() == 1  # handed over; the task runs inline here
    notification.refresh_from_db()
    assert notification.status == "sent"
    assert notification.attempts == 2
    assert notification.last_error.startswith("Sent again")
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [
        f"<{notification.pk}@localhost>"
    ]


def test_a_batch_is_sent_over_one_connection_and_each_marked(monkeypatch):
    with transaction.atomic():
        queued = [_email(n) for n in range(5)]
    mail.outbox.clear()
    Notification.objects.update(status="pending")
    opened = []
    real = delivery.get_connection

    def counting(**kwargs):
        connection = real(**kwargs)
        opened.append(connection)
        return connection

    monkeypatch.setattr(delivery, "get_connection", counting)
    result = notification_deliver_batch(ids=[n.pk for n in queued])
    assert result.sent == 5
    assert len(opened) == 1
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    # Again: nothing to claim, nothing sent.
    assert notification_deliver_batch(ids=[n.pk for n in queued]).sent == 0


def test_messages_queued_in_one_transaction_go_to_celery_in_batches_per_queue(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_BATCH_SIZE = 3
    handed = []
    monkeypatch.setattr(
        outbox,
        "notification_dispatch_batch",
        lambda *, ids, bulk=False, countdown=0, mass=False: handed.append((len(ids), bulk)) or True,
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for n in range(7):
            _email(n)
        for n in range(2):
            _email(100 + n, bulk=True)
    assert sorted(handed) == [(1, False), (2, True), (3, False), (3, False)]


def test_a_batch_whose_savepoint_rolled_back_does_not_swallow_later_messages(
    monkeypatch, django_capture_on_commit_callbacks
):
    handed = []
    monkeypatch.setattr(
        outbox,
        "notification_dispatch_batch",
        lambda *, ids, bulk=False, countdown=0, mass=False: handed.extend(ids) or True,
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            _email(1)
            raise RuntimeError("rolled back")
        kept = _email(2)
    assert handed == [kept.pk]


def test_many_messages_queue_in_two_statements_and_keys_still_dedupe(
    django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    _email(0, dedupe_key="ban1:holder0")  # told already, by an earlier run
    messages = [
        {
            "channel": "email",
            "recipient": f"holder{n}@example.org",
            "body": "Cancelled.",
            "dedupe_key": f"ban1:holder{n}",
        }
        for n in range(50)
    ]
    with (
        django_capture_on_commit_callbacks(execute=False),
        transaction.atomic(),
        django_assert_max_num_queries(2),
    ):
        queued = notifications.notification_enqueue_many(messages)
    assert len(queued) == 49
    assert Notification.objects.filter(dedupe_key__startswith="ban1:").count() == 50
    with pytest.raises(Exception, match="one at a time"):
        notifications.notification_enqueue_many([{**messages[0], "private": True}])
