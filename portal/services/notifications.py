"""Notifications through a transactional outbox.

Rules:
- A feature queues a message with `notification_enqueue` inside the transaction that makes the
  change the message is about. If that transaction rolls back, no message exists; if it commits,
  the message exists even when the broker is down at that moment.
- After commit the message is handed to Celery. A broker that cannot be reached is not an error
  for the resident: the periodic sweep (Celery beat, `notification_sweep`) hands over whatever is
  still pending once it is due.
- Delivery is idempotent: the row is locked while it is sent and marked sent in the same
  transaction, so two workers, a retry and the sweep together still send it once.
- Failures are retried with exponential back-off up to NOTIFICATION_MAX_ATTEMPTS, then the
  message is marked failed and stays visible in admin.
- `dedupe_key` makes "tell them exactly once" notices safe to queue from jobs that may run twice.
- E-mails may carry attachments. The row names each file's generator (a function marked with
  `@attachment_generator`) and its keyword arguments, not the bytes: the file is made when the
  message is sent, on every attempt, so a retry attaches it again and the outbox stays small.
  A generator that fails counts as a failed delivery and is retried like one.
- A `private` message (one about an anonymous tip) keeps no time finer than the hour: queued,
  due and sent times are rounded, and its text is removed as soon as it is sent, so the outbox
  that site administrators read tells no more than the tip's own rounded time.
- Every message's text, headers and attachments are removed NOTIFICATION_BODY_RETENTION_DAYS
  after it was sent (`notification_bodies_purge`, daily): links to residents' pages and what
  they were told do not stay in the database for ever. The row (who, when, status) stays.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from portal.models import Notification
from portal.sms.services import sms_deliver

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 6 * 3600
HOUR = timedelta(hours=1)


def _hour(moment):
    return moment.replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class DeliveryResult:
    sent: bool
    retry_in: int | None = None


@dataclass(frozen=True)
class Attachment:
    """A file an e-mail carries, made at delivery by `generator` (the dotted path of a function
    marked with @attachment_generator) called with `kwargs` (JSON values). It returns the
    file's content, bytes or text."""

    filename: str
    mimetype: str
    generator: str
    kwargs: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "mimetype": self.mimetype,
            "generator": self.generator,
            "kwargs": self.kwargs,
        }


def attachment_generator(function: Callable[..., bytes | str]) -> Callable[..., bytes | str]:
    """Mark a function as one the outbox may call to make an attachment. Only marked
    functions are called: a row cannot name just any importable callable."""
    function.outbox_attachment = True
    return function


def _generator(path: str) -> Callable[..., bytes | str]:
    function = import_string(path)
    if not getattr(function, "outbox_attachment", False):
        raise ValueError(f"{path} is not marked with @attachment_generator")
    return function


def notification_enqueue(
    *,
    channel: str,
    recipient: str,
    body: str,
    subject: str = "",
    language: str | None = None,
    dedupe_key: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[Attachment] | None = None,
    private: bool = False,
) -> Notification:
    """Queue one message. Call it inside the transaction of the change it reports.
    `headers` are extra e-mail headers (List-Unsubscribe, say); they cannot replace ours.
    `attachments` (e-mail only) are made when the message is sent, on every attempt.
    `private`: about an anonymous report (see the module's rules)."""
    if attachments and channel != Notification.Channel.EMAIL:
        raise ValidationError("Only e-mails carry attachments.", code="attachments")
    for attachment in attachments or ():
        _generator(attachment.generator)  # a wrong name fails now, not at 3 a.m.
    notification = Notification(
        channel=channel,
        recipient=recipient.strip(),
        subject=subject.strip()[:200],
        body=body,
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
        dedupe_key=dedupe_key or None,
        headers={str(k): str(v) for k, v in (headers or {}).items()},
        attachments=[attachment.as_json() for attachment in attachments or ()],
        private=private,
        next_attempt_at=_hour(timezone.now()) if private else timezone.now(),
    )
    # Uniqueness is left to the database: the id is new, and the dedupe_key's unique index
    # decides which of two messages with the same key exists.
    notification.full_clean(validate_unique=False)
    if dedupe_key:
        # INSERT ... ON CONFLICT DO NOTHING: a key already taken (now or by a concurrent
        # transaction) leaves no error behind, so the caller's transaction stays usable without
        # a savepoint; then whichever message holds the key is the one.
        Notification.objects.bulk_create([notification], ignore_conflicts=True)
        kept = Notification.objects.filter(dedupe_key=dedupe_key).values_list("pk", flat=True)
        if kept.first() != notification.pk:
            return Notification.objects.get(dedupe_key=dedupe_key)
    else:
        notification.save(force_insert=True)
    if private:
        # `created_at` is set on insert; the exact value never outlives this transaction.
        notification.created_at = notification.next_attempt_at
        Notification.objects.filter(pk=notification.pk).update(created_at=notification.created_at)
    transaction.on_commit(lambda: notification_dispatch(notification_id=notification.pk))
    return notification


def notification_dispatch(*, notification_id) -> bool:
    """Hand one message to Celery. Returns False, and leaves it to the sweep, if the broker
    cannot be reached."""
    from portal.tasks import deliver_notification  # noqa: PLC0415 - the tasks import us

    try:
        deliver_notification.apply_async(
            args=[str(notification_id)],
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0.2, "interval_step": 0.3},
        )
    except Exception:  # noqa: BLE001 - any broker failure: the outbox row is the safety net
        logger.warning("Broker unreachable; notification %s left for the sweep", notification_id)
        return False
    return True


def _backoff_seconds(attempts: int) -> int:
    return min(
        settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS
    )


def _send(notification: Notification) -> None:
    if notification.channel == Notification.Channel.EMAIL:
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "localhost"
        message = EmailMessage(
            subject=notification.subject,
            body=notification.body,
            to=[notification.recipient],
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
        message.send(fail_silently=False)
    elif notification.channel == Notification.Channel.SMS:
        sms_deliver(notification)  # opt-outs, the provider's id, status and cost (portal/sms/)
    else:  # pragma: no cover - guarded by the field's choices
        raise ValueError(f"unknown channel {notification.channel}")


def notification_deliver(*, notification_id) -> DeliveryResult:
    """Send one pending message, exactly once. Safe to call any number of times."""
    now = timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, status=Notification.Status.PENDING)
            .first()
        )
        if notification is None:
            return DeliveryResult(sent=False)  # sent already, failed for good, or being sent
        if notification.next_attempt_at > now:
            return DeliveryResult(sent=False)  # a retry is scheduled for later
        try:
            _send(notification)
        except Exception as exc:  # noqa: BLE001 - any delivery failure is retried
            notification.attempts += 1
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            # An error marked permanent (a refused number, an opted-out recipient) would fail
            # the same way again: the message fails now.
            permanent = getattr(exc, "permanent", False)
            if permanent or notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                notification.status = Notification.Status.FAILED
                notification.save(update_fields=["attempts", "last_error", "status"])
                logger.error("Notification %s failed for good", notification.pk)
                return DeliveryResult(sent=False)
            delay = _backoff_seconds(notification.attempts)
            notification.next_attempt_at = now + timedelta(seconds=delay)
            if notification.private:  # the top of the hour after
                notification.next_attempt_at = _hour(notification.next_attempt_at) + HOUR
            notification.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            return DeliveryResult(sent=False, retry_in=delay)
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.attempts += 1
        fields = ["status", "sent_at", "attempts"]
        if notification.private:
            notification.sent_at = _hour(notification.sent_at)
            notification.body, notification.headers, notification.attachments = "", {}, []
            fields += ["body", "headers", "attachments"]
        notification.save(update_fields=fields)
    return DeliveryResult(sent=True)


def notification_bodies_purge(*, now=None) -> int:
    """Remove the text, headers and attachments of messages sent longer ago than
    NOTIFICATION_BODY_RETENTION_DAYS. Returns how many were emptied."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.NOTIFICATION_BODY_RETENTION_DAYS)
    return (
        Notification.objects.filter(status=Notification.Status.SENT, sent_at__lt=cutoff)
        .exclude(body="", headers={}, attachments=[])
        .update(body="", headers={}, attachments=[])
    )


def notification_sweep(*, limit: int = 500) -> int:
    """Hand to Celery every pending message that is due and was not delivered in time.
    Returns how many were handed over."""
    grace = timedelta(seconds=settings.NOTIFICATION_SWEEP_GRACE_SECONDS)
    now = timezone.now()
    due = (
        Notification.objects.filter(status=Notification.Status.PENDING, next_attempt_at__lte=now)
        .filter(created_at__lte=now - grace)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    handed = 0
    for notification_id in due:
        if not notification_dispatch(notification_id=notification_id):
            break  # broker still down: the next sweep tries again
        handed += 1
    return handed


def notification_retry(*, notification: Notification) -> Notification:
    """Staff action: try a failed message again from now."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification.pk)
        if notification.status == Notification.Status.FAILED:
            notification.status = Notification.Status.PENDING
            notification.attempts = 0
            notification.next_attempt_at = timezone.now()
            notification.save(update_fields=["status", "attempts", "next_attempt_at"])
            transaction.on_commit(lambda: notification_dispatch(notification_id=notification.pk))
    return notification
