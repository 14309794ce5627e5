"""Tip line tasks: each loads by id, calls a service, and is safe to run twice. Every task
queued after commit has a beat sweep behind it (portal/settings/tips.py)."""

from celery import shared_task

from tips import originals, packets, services


@shared_task(ignore_result=True, acks_late=True)
def attachment_scrub_task(attachment_id: int) -> bool:
    return services.attachment_scrub(attachment_id=attachment_id)


@shared_task(ignore_result=True)
def attachment_sweep() -> int:
    return services.attachment_sweep()


@shared_task(ignore_result=True)
def attachment_originals_purge() -> int:
    return originals.attachment_originals_purge()


@shared_task(ignore_result=True, acks_late=True)
def tip_notify_task(tip_id: int) -> bool:
    return services.tip_notify(tip_id=tip_id)


@shared_task(ignore_result=True)
def tip_notify_sweep() -> int:
    return services.tip_notify_sweep()


@shared_task(ignore_result=True, acks_late=True)
def packet_build_task(tip_id: int, actor_id: int | None = None) -> bool:
    return packets.packet_build(tip_id=tip_id, actor_id=actor_id)


@shared_task(ignore_result=True)
def packet_sweep() -> int:
    return packets.packet_sweep()
