"""Kernel tasks: deliver the outbox. Each loads by id and calls a service; each is idempotent."""

from celery import shared_task

from portal.services import notifications, retention


@shared_task(bind=True, max_retries=None, ignore_result=True)
def deliver_notification(self, notification_id: str) -> bool:
    result = notifications.notification_deliver(notification_id=notification_id)
    if result.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=result.retry_in)
    return result.sent


@shared_task(ignore_result=True)
def notification_sweep() -> int:
    return notifications.notification_sweep()


@shared_task(ignore_result=True)
def notification_bodies_purge() -> int:
    return notifications.notification_bodies_purge()


@shared_task(ignore_result=True)
def retention_purge() -> int:
    """Purge what the retention periods say is due (portal/services/retention/)."""
    return retention.retention_purge().total
