"""Parking's Celery tasks: load by id, call a service; each is idempotent."""

from celery import shared_task

from parking import services


@shared_task(ignore_result=True, acks_late=True)
def ban_apply(ban_id: int) -> int:
    return services.ban_apply(ban_id=ban_id)


@shared_task(ignore_result=True)
def ban_sweep() -> int:
    return services.ban_sweep()


@shared_task(ignore_result=True)
def nightly_list_send() -> int | None:
    record = services.nightly_list_send()
    return record.pk if record else None
