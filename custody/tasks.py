"""Celery tasks of the custody app: idempotent, each calls one service."""

from celery import shared_task

from custody import services


@shared_task(ignore_result=True)
def records_purge() -> int:
    """Beat: delete records released longer ago than the department's retention period."""
    return services.records_purge()
