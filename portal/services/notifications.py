"""Notifications through a transactional outbox.

Rules:
- A feature queues a message with `notification_enqueue` inside the transaction that makes the
  change the message is about. If that transaction rolls back, no message exists; if it commits,
  the message exists even when the broker is down at that moment.
- After commit the message is handed to Celery. A broker that cannot be reached is not an error
  for the resident: the periodic sweep (Celery beat, `notification_sweep`) hands over whatever is
  still pending once it is due.
- Delivery is exactly-once as the mail server sees it, but for one window whose size is
  measured (docs/operations.md, "Delivery"): a worker first *claims* the message (status
  `sending`, `claimed_at`, committed), then hands it to the server outside any transaction,
  then marks it sent in a one-statement transaction of its own. Two workers, a retry and the
  sweep together cannot claim it twice. A worker that dies before the server accepted the
  message leaves it claimed; once the claim is older than NOTIFICATION_SENDING_LEASE_SECONDS
  (longer than any send can take, EMAIL_TIMEOUT included) the sweep hands it over again. Only a
  death between the server's acceptance and the commit of "sent" (the server's reply, one
  UPDATE) makes that second send a duplicate, and so does a reply to the end of the data that
  does not come within EMAIL_TIMEOUT (the message is retried); it carries the same Message-ID
  (`<id@domain>`), so a receiving server or mailbox that drops repeated Message-IDs drops it,
  and the row says in `last_error` that it was sent again after a lost worker.
- Failures are retried with exponential back-off up to NOTIFICATION_MAX_ATTEMPTS, then the
  message is marked failed and stays visible in admin. A permanent refusal by the mail server
  (a 5xx reply: no such mailbox, say) fails the message at once, with the server's reason.
- Urgent messages (the default) and `bulk` ones (neighborhood notices) go to separate Celery
  queues, so a newsletter to thousands never stands in front of a cancelled permit. Messages
  queued in one transaction are handed over in batches of NOTIFICATION_BATCH_SIZE, and a batch
  is sent over one connection to the mail server.
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
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Q
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
    bulk: bool = False,
) -> Notification:
    """Queue one message. Call it inside the transaction of the change it reports.
    `headers` are extra e-mail headers (List-Unsubscribe, say); they cannot replace ours.
    `attachments` (e-mail only) are made when the message is sent, on every attempt.
    `private`: about an anonymous report (see the module's rules). `bulk`: one of many alike
    (a neighborhood notice), sent from the bulk queue behind urgent messages."""
    notification = _build(
        channel=channel,
        recipient=recipient,
        body=body,
        subject=subject,
        language=language,
        dedupe_key=dedupe_key,
        headers=headers,
        attachments=attachments,
        private=private,
        bulk=bulk,
    )
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
    _batch_for_commit(bulk=bulk).append(notification.pk)
    return notification


def notification_enqueue_many(messages: list[dict[str, Any]]) -> list[Notification]:
    """notification_enqueue for many messages at once (a snow emergency's cancellations), each
    a dict of its keyword arguments, under the same rules: one INSERT for them all and one
    SELECT to learn which de-duplication keys were free, instead of two or three statements a
    message. Returns the messages queued now (those whose key was taken are left out). Private
    messages go through notification_enqueue, one at a time."""
    if any(message.get("private") for message in messages):
        raise ValidationError("Queue private messages one at a time.", code="private")
    built = [_build(**message) for message in messages]
    if not built:
        return []
    Notification.objects.bulk_create(built, ignore_conflicts=True)
    inserted = set(
        Notification.objects.filter(pk__in=[n.pk for n in built]).values_list("pk", flat=True)
    )
    queued = [n for n in built if n.pk in inserted]
    for notification in queued:
        _batch_for_commit(bulk=notification.bulk, mass=True).append(notification.pk)
    return queued


def _build(
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
    bulk: bool = False,
) -> Notification:
    """A validated, unsaved message."""
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
        bulk=bulk,
        next_attempt_at=_hour(timezone.now()) if private else timezone.now(),
    )
    # Uniqueness is left to the database: the id is new, and the dedupe_key's unique index
    # decides which of two messages with the same key exists.
    notification.full_clean(validate_unique=False)
    return notification


class _CommitBatch(list):
    """The ids of messages queued in one transaction, handed to Celery in batches after commit."""

    def __init__(self, bulk: bool, mass: bool = False):
        super().__init__()
        self.bulk, self.mass = bulk, mass

    def __call__(self) -> None:
        size = max(settings.NOTIFICATION_BATCH_SIZE, 1)
        for start in range(0, len(self), size):
            if not notification_dispatch_batch(
                ids=self[start : start + size], bulk=self.bulk, mass=self.mass
            ):
                return  # broker down: the sweep hands them over


def _batch_for_commit(*, bulk: bool, mass: bool = False) -> _CommitBatch:
    """The batch of this transaction (one per queue and priority), registered once with
    on_commit. A batch whose callback a rolled-back savepoint discarded is replaced by a new one."""
    if not db_connection.in_atomic_block:
        return _ImmediateBatch(_CommitBatch(bulk, mass))
    registered = {id(entry[1]) for entry in db_connection.run_on_commit}
    batches = getattr(db_connection, "_outbox_batches", {})
    batch = batches.get((bulk, mass))
    if batch is None or id(batch) not in registered:
        batch = _CommitBatch(bulk, mass)
        batches[(bulk, mass)] = batch
        db_connection._outbox_batches = batches
        transaction.on_commit(batch)
    return batch


class _ImmediateBatch:
    """Outside a transaction (autocommit) the row is committed already: hand it over now."""

    def __init__(self, batch: _CommitBatch):
        self.batch = batch

    def append(self, notification_id) -> None:
        self.batch.append(notification_id)
        self.batch()


def _queue(bulk: bool) -> str:
    return settings.NOTIFICATION_BULK_QUEUE if bulk else settings.NOTIFICATION_URGENT_QUEUE


def notification_dispatch(*, notification_id, bulk: bool = False) -> bool:
    """Hand one message to Celery. Returns False, and leaves it to the sweep, if the broker
    cannot be reached."""
    return notification_dispatch_batch(ids=[notification_id], bulk=bulk)


# Celery priorities on Redis: 0 is served first (kombu's transport reads a queue's priority
# levels 0, 3, 6 and 9 in that order). A mass mailing (notification_enqueue_many: a snow
# emergency's 20,000 cancellations) waits behind the one message a resident is waiting for now
# (the confirmation of the permit they just asked for), not the other way round.
ONE_BY_ONE_PRIORITY = 0
MASS_PRIORITY = 6


def notification_dispatch_batch(
    *, ids: list, bulk: bool = False, countdown: int = 0, mass: bool = False
) -> bool:
    """Hand a batch of messages to Celery as one task on the urgent or the bulk queue (`mass`:
    at the mass mailings' lower priority). Returns False, and leaves them to the sweep, if the
    broker cannot be reached."""
    from portal.tasks import deliver_notifications  # noqa: PLC0415 - the tasks import us

    try:
        deliver_notifications.apply_async(
            args=[[str(notification_id) for notification_id in ids]],
            queue=_queue(bulk),
            priority=MASS_PRIORITY if mass else ONE_BY_ONE_PRIORITY,
            countdown=countdown or None,
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0.2, "interval_step": 0.3},
        )
    except Exception:  # noqa: BLE001 - any broker failure: the outbox row is the safety net
        logger.warning("Broker unreachable; %d notifications left for the sweep", len(ids))
        return False
    return True


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
    """Hand to Celery every message that is due and was not delivered in time: pending ones
    queued longer ago than the grace, and claimed ones whose worker has not finished within the
    lease. Returns how many were handed over."""
    grace = timedelta(seconds=settings.NOTIFICATION_SWEEP_GRACE_SECONDS)
    now = timezone.now()
    due = list(
        Notification.objects.filter(_claimable(now))
        .filter(created_at__lte=now - grace)
        .order_by("next_attempt_at")
        .values_list("pk", "bulk")[:limit]
    )
    handed = 0
    size = max(settings.NOTIFICATION_BATCH_SIZE, 1)
    for bulk in (False, True):
        ids = [pk for pk, is_bulk in due if is_bulk == bulk]
        for start in range(0, len(ids), size):
            if not notification_dispatch_batch(ids=ids[start : start + size], bulk=bulk):
                return handed  # broker still down: the next sweep tries again
            handed += len(ids[start : start + size])
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
            transaction.on_commit(
                lambda: notification_dispatch(
                    notification_id=notification.pk, bulk=notification.bulk
                )
            )
    return notification
