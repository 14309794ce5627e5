"""Kernel tasks: deliver the outbox. Each loads by id and calls a service; each is idempotent."""

from datetime import date

from celery import shared_task

from portal import figures
from portal.handoff import dispatch
from portal.services import accountability, notifications, retention
from portal.sms import services as sms


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


@shared_task(ignore_result=True)
def accountability_report_generate(report_id: int) -> bool:
    return accountability.report_generate(report_id=report_id)


@shared_task(ignore_result=True)
def accountability_report_sweep() -> int:
    return accountability.report_sweep()


@shared_task(ignore_result=True)
def accountability_quarterly_report() -> bool:
    return accountability.quarterly_report_ensure() is not None


@shared_task(ignore_result=True)
def figures_refresh(set_key: str, language: str, start: str, end: str) -> bool:
    return figures.figures_refresh(
        set_key=set_key,
        language=language,
        start=date.fromisoformat(start),
        end=date.fromisoformat(end),
    )


@shared_task(ignore_result=True)
def sms_cost_fetch(notification_id: str) -> bool:
    return sms.sms_cost_fetch(notification_id=notification_id)


@shared_task(ignore_result=True)
def sms_cost_sweep() -> int:
    """Beat: ask for the price of final text messages whose callback carried none."""
    return sum(1 for pk in sms.sms_costs_owed() if dispatch(sms_cost_fetch, str(pk)))


@shared_task(ignore_result=True)
def retention_purge() -> int:
    """Purge what the retention periods say is due (portal/services/retention/)."""
    return retention.retention_purge().total
