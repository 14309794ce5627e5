"""Programs' Celery work on a real worker and broker: the waiting-list offer e-mail, scheduled
publishing and the flyer, each run by the worker process, not inline."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from programs import tasks
from programs.flyer import flyer_name
from programs.models import Event, Program, Registration
from programs.services import registrations
from tests.programs.factories import EventFactory, ProgramFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_freed_place_is_offered_by_e_mail_through_the_worker(celery_worker):
    event = EventFactory(registration=Event.Registration.SIMPLE, capacity=1)
    holder = registrations.registration_create(
        event_id=event.pk, name="First", email="first@example.org"
    )
    waiting = registrations.registration_create(
        event_id=event.pk, name="Second", email="second@example.org"
    )
    registrations.registration_cancel(registration_id=holder.pk)
    assert Registration.objects.get(pk=waiting.pk).status == Registration.Status.OFFERED

    def offer_sent():
        return [
            m for m in celery_worker.mails() if "second@example.org" in m and "A place is free" in m
        ]

    mails = celery_worker.wait_for(offer_sent)
    assert "/events/claim/" in mails[0]


def test_the_worker_runs_scheduled_publishing(celery_worker):
    program = ProgramFactory(
        status=Program.Status.PUBLISHED, publish_at=timezone.now() - timedelta(seconds=1)
    )
    Program.objects.filter(pk=program.pk).update(published_at=None)
    tasks.programs_schedule_run.delay()
    celery_worker.wait_for(lambda: Program.objects.get(pk=program.pk).published_at is not None)


def test_the_worker_builds_the_flyer(celery_worker, settings):
    event = EventFactory()
    name = flyer_name(event, "en")
    try:
        tasks.flyer_build.delay(event.pk, "en")
        celery_worker.wait_for(lambda: default_storage.exists(name))
        with default_storage.open(name, "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
    finally:
        default_storage.delete(name)
