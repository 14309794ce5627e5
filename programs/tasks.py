"""Celery tasks of programs and events. Each loads by id, calls a service, and is idempotent."""

from celery import shared_task

from programs import flyer
from programs.services import publishing, registrations


@shared_task(ignore_result=True)
def programs_schedule_run() -> dict:
    return publishing.programs_schedule_run()


@shared_task(ignore_result=True)
def registration_offers_expire() -> int:
    return registrations.offers_expire()


@shared_task(ignore_result=True)
def event_reminders_send() -> int:
    return registrations.reminders_send()


@shared_task(ignore_result=True)
def flyer_build(event_id: int, language: str) -> str:
    return flyer.flyer_build(event_id=event_id, language=language)
