"""What runs on a schedule or at a staff member's request: the sweep that hands over what was
not delivered in time, the purge of sent messages' text, and trying a failed message again."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.models import Notification

from .delivery import _claimable
from .outbox import notification_dispatch, notification_dispatch_batch


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
