"""Queueing messages in the outbox and handing them to Celery after commit (the rules are in
this package's docstring: the transaction, `dedupe_key`, attachments, private and bulk
messages, batches and priorities)."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from portal.models import Notification

# Log lines keep the name they had before the outbox became a package.
logger = logging.getLogger(__package__)

HOUR = timedelta(hours=1)


def _hour(moment):
    return moment.replace(minute=0, second=0, microsecond=0)


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
