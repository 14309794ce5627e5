"""Celery tasks of service requests: thin, idempotent, one service each."""

from celery import shared_task

from service_requests.services.digest import digest_send


@shared_task(name="service_requests.tasks.digest_run")
def digest_run() -> int:
    """Hourly from beat; sends each division's digest once a day (services.digest)."""
    return digest_send()
