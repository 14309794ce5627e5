"""Celery tasks of the Records Division. Each loads by id (or finds its own work), calls a
service or job, and is idempotent."""

from celery import shared_task

from records import jobs
from records.services import refund_retries, release


@shared_task(ignore_result=True)
def deadlines_run() -> dict[str, int]:
    return jobs.deadlines_run()


@shared_task(ignore_result=True)
def id_documents_purge() -> int:
    return jobs.id_documents_purge()


@shared_task(ignore_result=True, acks_late=True)
def packet_build(packet_id: int) -> bool:
    return release.packet_build(packet_id=packet_id)


@shared_task(ignore_result=True)
def refunds_retry_sweep() -> int:
    """Beat: queue a try for each refund Stripe has not answered (refund_retries)."""
    return refund_retries.refunds_retry_due()


@shared_task(ignore_result=True, acks_late=True)
def refund_retry(refund_id: int) -> str:
    return refund_retries.refund_retry(refund_id=refund_id)
