from celery import shared_task

from careers import services


@shared_task
def applications_purge() -> int:
    """Beat: delete unsuccessful applications past the retention period (idempotent)."""
    return services.applications_purge()
