"""Celery tasks of the custody app: idempotent, each calls one service."""

from celery import shared_task

from custody import services


@shared_task(ignore_result=True)
def records_purge() -> int:
    """Beat: the kernel's purge for custody's kinds (released records, visit requests)."""
    return services.records_purge()
