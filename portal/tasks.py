"""Kernel tasks: deliver the outbox. Each loads by id and calls a service; each is idempotent."""

from celery import shared_task

from portal.services import notifications


@shared_task(bind=True, max_retries=None, ignore_result=True)
def deliver_notification(self, notification_id: str) -> bool:
    result = notifications.notification_deliver(notification_id=notification_id)
    if result.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=result.retry_in)
    return result.sent


@shared_task(ignore_result=True)
def deliver_notifications(notification_ids: list[str]) -> int:
    """A batch over one mail connection. Messages the server put off are handed over again as
    one batch after the longest of their back-offs (the sweep would find them anyway)."""
    result = notifications.notification_deliver_batch(ids=notification_ids)
    if result.retry:
        from portal.models import Notification  # noqa: PLC0415 - tasks load models lazily

        bulk = Notification.objects.filter(pk__in=list(result.retry), bulk=True).exists()
        notifications.notification_dispatch_batch(
            ids=list(result.retry), bulk=bulk, countdown=max(result.retry.values())
        )
    return result.sent


@shared_task(ignore_result=True)
def notification_sweep() -> int:
    return notifications.notification_sweep()


@shared_task(ignore_result=True)
def notification_bodies_purge() -> int:
    return notifications.notification_bodies_purge()
