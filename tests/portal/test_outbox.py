"""The notification outbox, delivered inline (the embedded default). The same services under a
real worker and a broker outage are in test_outbox_worker.py."""

import socket
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from portal.models import Notification
from portal.services.notifications import (
    notification_deliver,
    notification_enqueue,
    notification_retry,
    notification_sweep,
)
from portal.sms import LocmemSMSBackend

pytestmark = pytest.mark.django_db


def _email(**overrides):
    fields = {
        "channel": "email",
        "recipient": "resident@example.org",
        "subject": "Your request",
        "body": "It was received.",
    }
    return notification_enqueue(**{**fields, **overrides})


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_message_queued_in_a_rolled_back_transaction_never_exists():
    with pytest.raises(RuntimeError), transaction.atomic():
        _email()
        raise RuntimeError("the change failed")
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_message_is_sent_after_commit_and_marked_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _email()
        assert mail.outbox == []  # nothing leaves before the commit
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["resident@example.org"]
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<{notification.pk}@")


def test_delivering_twice_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _email()
    notification_deliver(notification_id=notification.pk)
    notification_deliver(notification_id=notification.pk)
    assert len(mail.outbox) == 1


def test_text_message_goes_through_the_sms_backend(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_enqueue(channel="sms", recipient="+18605550100", body="Permit approved")
    assert LocmemSMSBackend.outbox == [{"to": "+18605550100", "body": "Permit approved"}]


def test_same_dedupe_key_queues_one_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _email(dedupe_key="records:appeal-notice:42")
        second = _email(dedupe_key="records:appeal-notice:42")
    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_message_keeps_the_language_it_was_written_in():
    from django.utils import translation

    with translation.override("es"):
        notification = _email()
    assert notification.language == "es"


def test_failed_delivery_backs_off_then_gives_up(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    settings.EMAIL_TIMEOUT = 2
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 60
    notification = _email()

    result = notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, result.retry_in) == ("pending", 1, 60)
    assert "ConnectionRefusedError" in notification.last_error

    # Not due yet: a second hand-over does nothing.
    assert notification_deliver(notification_id=notification.pk).retry_in is None
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert notification_deliver(notification_id=notification.pk).retry_in == 120
    with time_machine.travel(timezone.now() + timedelta(seconds=200)):
        notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("failed", 3)


def test_staff_retry_puts_a_failed_message_back_in_the_queue(django_capture_on_commit_callbacks):
    notification = _email()
    Notification.objects.filter(pk=notification.pk).update(status="failed", attempts=8)
    with django_capture_on_commit_callbacks(execute=True):
        notification_retry(notification=notification)
    notification.refresh_from_db()
    assert notification.status == "sent"
    assert len(mail.outbox) == 1


def test_sweep_hands_over_only_messages_past_their_grace_period(settings):
    settings.NOTIFICATION_SWEEP_GRACE_SECONDS = 60
    fresh = _email(recipient="fresh@example.org")
    with time_machine.travel(timezone.now() - timedelta(minutes=5)):
        stale = _email(recipient="stale@example.org")
    assert notification_sweep() == 1
    assert Notification.objects.get(pk=stale.pk).status == "sent"
    assert Notification.objects.get(pk=fresh.pk).status == "pending"


def test_extra_headers_such_as_list_unsubscribe_reach_the_e_mail(
    django_capture_on_commit_callbacks,
):
    unsubscribe = "<https://portal.example.org/unsubscribe/abc/>"
    with django_capture_on_commit_callbacks(execute=True):
        notification = _email(
            headers={"List-Unsubscribe": unsubscribe, "Message-ID": "<forged@example.org>"}
        )
    headers = mail.outbox[0].extra_headers
    assert headers["List-Unsubscribe"] == unsubscribe
    assert headers["Message-ID"].startswith(f"<{notification.pk}@")  # ours cannot be replaced


# --- Attachments -------------------------------------------------------------------------------


def _with_files(**overrides):
    from portal.services.notifications import Attachment

    return _email(
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
        **overrides,
    )


def test_attachments_are_made_and_attached_when_the_e_mail_is_sent():
    from tests.support.attachments import binary

    notification = _with_files()
    assert notification.attachments[0]["generator"] == "tests.support.attachments.greeting"
    assert notification_deliver(notification_id=notification.pk).sent
    [sent] = mail.outbox
    assert [(name, mimetype) for name, _content, mimetype in sent.attachments] == [
        ("hello.txt", "text/plain"),
        ("data.bin", "application/octet-stream"),
    ]
    assert sent.attachments[0][1] == "Hello, Ana.\n"
    assert sent.attachments[1][1] == binary(size=300)
    assert b"hello.txt" in sent.message().as_bytes()


def test_a_failed_attachment_is_retried_and_attached_again(settings):
    from django.core.cache import cache

    from portal.services.notifications import Attachment
    from tests.support.attachments import FAIL_KEY

    settings.NOTIFICATION_RETRY_BASE_SECONDS = 60
    cache.set(FAIL_KEY, True)
    notification = _email(
        attachments=[
            Attachment("r.txt", "text/plain", "tests.support.attachments.flaky", {"name": "Bo"})
        ]
    )
    result = notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert (result.sent, result.retry_in, notification.attempts) == (False, 60, 1)
    assert "report store is unavailable" in notification.last_error
    assert mail.outbox == []
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert notification_deliver(notification_id=notification.pk).sent
        assert not notification_deliver(notification_id=notification.pk).sent  # once only
    [sent] = mail.outbox
    assert sent.attachments == [("r.txt", "Made for Bo.\n", "text/plain")]


def test_only_marked_generators_may_make_attachments():
    from django.core.exceptions import ValidationError

    from portal.services.notifications import Attachment

    with pytest.raises(ValueError, match="attachment_generator"):
        _email(
            attachments=[Attachment("x.txt", "text/plain", "tests.support.attachments.unmarked")]
        )
    with pytest.raises(ValidationError):
        notification_enqueue(
            channel="sms",
            recipient="+12035550100",
            body="Hi",
            attachments=[Attachment("x.txt", "text/plain", "tests.support.attachments.greeting")],
        )
    assert not Notification.objects.exists()


def test_messages_without_attachments_are_unchanged(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _email()
    assert notification.attachments == []
    assert mail.outbox[0].attachments == []


def test_a_taken_dedupe_key_leaves_the_callers_transaction_usable():
    with transaction.atomic():
        first = _email(dedupe_key="ban:1:permit:7")
        again = _email(dedupe_key="ban:1:permit:7", body="A second copy.")
        assert again.pk == first.pk and again.body == "It was received."
        # No error was raised inside the transaction: it can go on writing.
        third = _email(dedupe_key="ban:1:permit:8")
    assert Notification.objects.count() == 2
    assert Notification.objects.filter(pk=third.pk).exists()
