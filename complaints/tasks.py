"""Complaint tasks: each loads by id, calls one service, and is safe to run twice. Every task
queued after commit has a beat sweep behind it (portal/settings/complaints.py)."""

from celery import shared_task


@shared_task(ignore_result=True, acks_late=True)
def attachment_scrub_task(attachment_id: int) -> bool:
    from complaints.services import intake  # noqa: PLC0415 - intake imports this module

    return intake.attachment_scrub(attachment_id=attachment_id)


@shared_task(ignore_result=True, acks_late=True)
def complaint_notify_task(complaint_id: int) -> bool:
    from complaints.services import notices  # noqa: PLC0415 - services import this module

    return notices.complaint_notify(complaint_id=complaint_id)


@shared_task(ignore_result=True, acks_late=True)
def finding_notify_task(complaint_id: int) -> bool:
    from complaints.services import notices  # noqa: PLC0415 - services import this module

    return notices.finding_notify(complaint_id=complaint_id)


@shared_task(ignore_result=True)
def sweep() -> int:
    from complaints.services import intake, notices  # noqa: PLC0415 - they import this module

    return notices.sweep() + intake.attachment_sweep()


@shared_task(ignore_result=True)
def reminders_send() -> int:
    from complaints.services import notices  # noqa: PLC0415 - services import this module

    return notices.reminders_send()
