"""Reviewers acting at once on one application: the row lock makes the change happen once."""

import threading

import pytest
from django.db import connection

from careers import services
from careers.models import InternshipApplication
from portal.models import AuditEntry, Notification
from tests.careers.factories import cv_pdf

Status = InternshipApplication.Status


@pytest.mark.django_db(transaction=True)
def test_concurrent_shortlists_change_the_status_once(on_postgresql, reviewer):
    application = services.application_submit(
        name="Ana Reyes",
        email="ana@example.org",
        phone="",
        school="Eastbrook Community College",
        program_of_study="Criminal justice",
        expected_graduation="May 2028",
        semester="fall",
        hours_per_week=12,
        statement="I want to learn.",
        cv=cv_pdf(),
        language="en",
    )
    reviewers = 6
    barrier = threading.Barrier(reviewers)
    errors = []

    def shortlist():
        try:
            barrier.wait()
            services.application_update(
                actor=reviewer,
                application=InternshipApplication.objects.get(pk=application.pk),
                status=Status.SHORTLISTED,
            )
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=shortlist) for _ in range(reviewers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    application.refresh_from_db()
    assert application.status == Status.SHORTLISTED
    assert AuditEntry.objects.filter(action="careers.application.status_changed").count() == 1
    assert Notification.objects.filter(subject__contains="Shortlisted").count() == 1
