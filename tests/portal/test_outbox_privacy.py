"""What the outbox keeps: a private message (about an anonymous tip) keeps no time finer than
the hour and no text once sent; every message's text goes after the retention period."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from portal.models import Notification
from portal.services.notifications import (
    notification_bodies_purge,
    notification_deliver,
    notification_enqueue,
)

pytestmark = pytest.mark.django_db

AT = "2026-05-06 14:37:21.123456 +00:00"


def _raw_times(pk) -> list:
    """The row as the database holds it, not as the model reads it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT created_at, next_attempt_at, sent_at FROM portal_notification WHERE id = %s",
            [pk.hex if connection.vendor == "sqlite" else pk],
        )
        return [value for value in cursor.fetchone() if value is not None]


def _is_on_the_hour(value) -> bool:
    if isinstance(value, str):  # SQLite
        value = timezone.datetime.fromisoformat(value)
    return (value.minute, value.second, value.microsecond) == (0, 0, 0)


def _private(**overrides):
    return notification_enqueue(
        channel="email",
        recipient="investigator@example.org",
        subject="New tip T-4821",
        body="A new tip has arrived. Open it: https://portal.example/admin/tips/tip/9/",
        private=True,
        **overrides,
    )


def test_a_private_message_keeps_only_the_hour_and_no_text_once_sent(
    django_capture_on_commit_callbacks,
):
    with time_machine.travel(AT, tick=False):
        with django_capture_on_commit_callbacks(execute=False):
            notification = _private()
        assert all(_is_on_the_hour(value) for value in _raw_times(notification.pk))
        notification_deliver(notification_id=notification.pk)
    assert "A new tip has arrived" in mail.outbox[0].body  # the investigator got it
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.body == ""
    times = _raw_times(notification.pk)
    assert len(times) == 3 and all(_is_on_the_hour(value) for value in times)


def test_a_private_message_that_fails_is_retried_at_the_top_of_an_hour(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    with time_machine.travel(AT, tick=False):
        notification = _private()
        notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.attempts == 1 and notification.status == Notification.Status.PENDING
    assert all(_is_on_the_hour(value) for value in _raw_times(notification.pk))


def test_an_ordinary_message_keeps_its_text_until_the_retention_ends(
    settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_BODY_RETENTION_DAYS = 30
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_enqueue(
            channel="email",
            recipient="resident@example.org",
            subject="Your permit",
            body="Your link: https://portal.example/parking/permit/abc/",
            headers={"List-Unsubscribe": "<https://portal.example/u/abc/>"},
        )
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification_bodies_purge(now=timezone.now() + timedelta(days=29)) == 0
    notification.refresh_from_db()
    assert "parking/permit/abc" in notification.body
    assert notification_bodies_purge(now=timezone.now() + timedelta(days=31)) == 1
    notification.refresh_from_db()
    assert (notification.body, notification.headers) == ("", {})
    assert notification.recipient == "resident@example.org"  # who and when stay
    assert notification_bodies_purge(now=timezone.now() + timedelta(days=31)) == 0


def test_a_pending_message_keeps_its_text_however_old():
    notification = Notification.objects.create(
        channel="email",
        recipient="resident@example.org",
        body="Still to send",
        next_attempt_at=timezone.now(),
    )
    assert notification_bodies_purge(now=timezone.now() + timedelta(days=365)) == 0
    notification.refresh_from_db()
    assert notification.body == "Still to send"
