"""Sending what the outbox holds: claim, send, mark sent or failed, exactly once as the mail
server sees it but for the one window the package's docstring measures; retries with
back-off, permanent refusals."""

import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.models import Notification
from portal.sms.services import sms_deliver

from .outbox import HOUR, _generator, _hour

# Log lines keep the name they had before the outbox became a package.
logger = logging.getLogger(__package__)

MAX_BACKOFF_SECONDS = 6 * 3600


@dataclass(frozen=True)
class DeliveryResult:
    sent: bool
    retry_in: int | None = None


def _backoff_seconds(attempts: int) -> int:
    return min(
        settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS
    )


class PermanentFailure(Exception):
    """The mail server refused the message for good (a 5xx reply)."""


def _smtp_code(exc: Exception) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return min(codes) if codes else None
    return getattr(exc, "smtp_code", None)


def _send(notification: Notification, connection=None) -> None:
    if notification.channel == Notification.Channel.EMAIL:
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "localhost"
        message = EmailMessage(
            subject=notification.subject,
            body=notification.body,
            to=[notification.recipient],
            connection=connection,
            headers={
                **notification.headers,
                # A stable Message-ID lets a mail server drop a duplicate we could not prevent.
                "Message-ID": f"<{notification.pk}@{domain}>",
                "Auto-Submitted": "auto-generated",
                "Content-Language": notification.language,
            },
        )
        for attachment in notification.attachments:
            content = _generator(attachment["generator"])(**attachment.get("kwargs", {}))
            message.attach(attachment["filename"], content, attachment["mimetype"])
        try:
            message.send(fail_silently=False)
        except smtplib.SMTPException as exc:
            code = _smtp_code(exc)
            if code is not None and 500 <= code < 600:
                raise PermanentFailure(_smtp_reason(exc)) from exc
            raise
    elif notification.channel == Notification.Channel.SMS:
        sms_deliver(notification)  # opt-outs, the provider's id, status and cost (portal/sms/)
    else:  # pragma: no cover - guarded by the field's choices
        raise ValueError(f"unknown channel {notification.channel}")


def _smtp_reason(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {_text(text)}" for address, (code, text) in exc.recipients.items()
        )
    return f"{getattr(exc, 'smtp_code', '')} {_text(getattr(exc, 'smtp_error', b''))}".strip()


def _text(text) -> str:
    return text.decode(errors="replace") if isinstance(text, bytes) else str(text)


def _lease() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATION_SENDING_LEASE_SECONDS)


def _claimable(now):
    """Pending and due, or claimed by a worker that has not finished within the lease (it died:
    the reconciliation rule of the module's docstring)."""
    return Q(status=Notification.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Notification.Status.SENDING, claimed_at__lte=now - _lease()
    )


def _claim(ids: Iterable) -> list[Notification]:
    """Take the messages among `ids` that are due and not held by another worker: commit them as
    `sending` before a byte goes to the mail server."""
    now = timezone.now()
    with transaction.atomic():
        claimed = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(ids))
            .filter(_claimable(now))
        )
        for notification in claimed:
            if notification.status == Notification.Status.SENDING:
                notification.last_error = (
                    "Sent again: the worker sending it stopped before saying it was sent "
                    "(the mail server may have it twice, with the same Message-ID)."
                )
            notification.status = Notification.Status.SENDING
            notification.claimed_at = now
            notification.attempts += 1
        Notification.objects.bulk_update(
            claimed, ["status", "claimed_at", "attempts", "last_error"]
        )
    return claimed


def _mark_sent(notification: Notification) -> None:
    """One statement, its own transaction, right after the server's acceptance: the only window
    in which a crash sends the message twice. synchronous_commit off for it alone: a crash of
    PostgreSQL itself (not of a worker) may forget the last few marks, which leaves those
    messages claimed, so the lease sends them again (never loses them)."""
    sent_at = timezone.now()
    fields = {"status": Notification.Status.SENT, "sent_at": sent_at, "claimed_at": None}
    if notification.private:
        fields.update(sent_at=_hour(sent_at), body="", headers={}, attachments=[])
    with transaction.atomic():
        if db_connection.vendor == "postgresql":
            with db_connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        Notification.objects.filter(
            pk=notification.pk,
            status=Notification.Status.SENDING,
            claimed_at=notification.claimed_at,
        ).update(**fields)


def _mark_failed(notification: Notification, exc: Exception) -> int | None:
    """Give the claim back with a back-off, or fail the message for good. Returns the back-off
    in seconds, or None when it failed for good."""
    now = timezone.now()
    # A refused address or number, an opted-out recipient: it would fail the same way again.
    permanent = isinstance(exc, PermanentFailure) or getattr(exc, "permanent", False)
    error = f"{type(exc).__name__}: {exc}"[:2000]
    held = Notification.objects.filter(
        pk=notification.pk, status=Notification.Status.SENDING, claimed_at=notification.claimed_at
    )
    if permanent or notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        held.update(status=Notification.Status.FAILED, claimed_at=None, last_error=error)
        logger.error("Notification %s failed for good", notification.pk)
        return None
    delay = _backoff_seconds(notification.attempts)
    next_attempt_at = now + timedelta(seconds=delay)
    if notification.private:  # the top of the hour after
        next_attempt_at = _hour(next_attempt_at) + HOUR
    held.update(
        status=Notification.Status.PENDING,
        claimed_at=None,
        last_error=error,
        next_attempt_at=next_attempt_at,
    )
    return delay


# The server answered (refused this message) and the connection is still good for the next.
_ANSWERED = (PermanentFailure, smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - a connection the server already dropped
        logger.info("Mail connection already closed")


def _deliver_claimed(notifications: list[Notification], connection=None) -> dict:
    retry_in = {}
    sent = 0
    for notification in notifications:
        try:
            _send(notification, connection=connection)
        except Exception as exc:  # noqa: BLE001 - any delivery failure is retried or failed
            delay = _mark_failed(notification, exc)
            if delay is not None:
                retry_in[notification.pk] = delay
            if connection is not None and not isinstance(exc, _ANSWERED):
                _close_quietly(connection)  # a broken connection: opened again for the next
            continue
        _mark_sent(notification)
        sent += 1
    return {"sent": sent, "retry_in": retry_in}


def notification_deliver(*, notification_id) -> DeliveryResult:
    """Send one pending message, exactly once (see the module's rules). Safe to call any number
    of times."""
    claimed = _claim([notification_id])
    if not claimed:
        return DeliveryResult(sent=False)  # sent already, failed for good, held, or not due
    outcome = _deliver_claimed(claimed)
    if outcome["sent"]:
        return DeliveryResult(sent=True)
    return DeliveryResult(sent=False, retry_in=outcome["retry_in"].get(claimed[0].pk))


@dataclass(frozen=True)
class BatchResult:
    sent: int
    retry: dict  # id -> seconds until its next attempt


def notification_deliver_batch(*, ids: list) -> BatchResult:
    """Send a batch of messages over one connection to the mail server: claim those that are due
    and free, send each, mark each as it is accepted. Safe to call any number of times."""
    claimed = _claim(ids)
    if not claimed:
        return BatchResult(sent=0, retry={})
    mail = None
    if any(n.channel == Notification.Channel.EMAIL for n in claimed):
        mail = get_connection(fail_silently=False)
    try:
        outcome = _deliver_claimed(claimed, connection=mail)
    finally:
        if mail is not None:
            _close_quietly(mail)
    return BatchResult(sent=outcome["sent"], retry=outcome["retry_in"])
