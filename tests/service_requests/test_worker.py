"""Service requests on a real Celery worker and Redis broker: the resident's confirmation and
the news that the request is closed, and the supervisor's digest, delivered by the worker.

One test on purpose (see tests/records/test_worker.py: the worker caches content types, and
the database is flushed between transactional tests)."""

import datetime as dt

import pytest

from portal.models import Notification
from service_requests import services
from service_requests.tasks import digest_run

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_tells_the_resident_and_the_supervisor(
    celery_worker, stray, clerk_staff, settings
):
    # The digest's hour is the worker's setting (tests/support/worker.py sets it to 0, so any
    # hour will do); the test process's matches it.
    settings.SERVICE_REQUESTS_DIGEST_HOUR = 0
    stray.division.email = "animal.control@example.org"
    stray.division.save()
    made = services.request_submit(
        service_code="stray-animal",
        attributes={"kind": "dog"},
        address="42 Chapel Street",
        contact={"email": "ana@example.org"},
        notify_email=True,
        language="es",
        requested_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=3),  # overdue by now
    )
    celery_worker.wait_for(
        lambda: Notification.objects.filter(recipient="ana@example.org", status="sent").exists(),
        timeout=60,
    )
    assert any(made.short_code in mail and "Recibimos" in mail for mail in celery_worker.mails())

    digest_run.delay()
    celery_worker.wait_for(
        lambda: Notification.objects.filter(
            recipient="animal.control@example.org", status="sent"
        ).exists(),
        timeout=60,
    )
    assert any("Overdue: 1" in mail for mail in celery_worker.mails())

    services.request_transition(
        service_request=made,
        to_status="closed",
        actor=clerk_staff,
        reason="resolved",
        message="Lo llevamos al refugio.",
    )
    celery_worker.wait_for(
        lambda: (
            Notification.objects.filter(recipient="ana@example.org", status="sent").count() == 2
        ),
        timeout=60,
    )
    assert any("refugio" in mail and "cerrada" in mail for mail in celery_worker.mails())
