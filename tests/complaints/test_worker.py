"""With a real Celery worker and Redis: internal affairs is told of a new case without its
content, the complainant is e-mailed the finding when the case closes, files are cleaned off
the request path, and the worker's log names none of these tasks."""

import os

import pytest
from django.conf import settings as django_settings
from django.test import Client

from complaints import services
from complaints.models import Complaint, ComplaintAttachment
from portal.models import Notification
from tests.complaints.conftest import advance, jpeg_bytes

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

MARKER = "MARKER-WORKER-8812"


@pytest.fixture
def shared_with_worker(settings):
    """The worker runs with DEBUG=1 and the default media folder, and with the complaints key
    of the environment it was started from (another test package may have set one), or the
    development key when there is none."""
    settings.DEBUG = True
    keys = os.environ.get("COMPLAINTS_ENCRYPTION_KEYS", "")
    settings.COMPLAINTS_ENCRYPTION_KEYS = keys.split(",") if keys else []
    settings.MEDIA_ROOT = django_settings.BASE_DIR / "media"
    yield
    for attachment in ComplaintAttachment.objects.all():
        for field in (attachment.original, attachment.clean):
            if field:
                field.storage.delete(field.name)


def test_internal_affairs_is_told_and_the_complainant_gets_the_finding(
    celery_worker, shared_with_worker, officer, ia
):
    log_start = len(celery_worker.log)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = Client().post(
        "/complaints/file/",
        {
            "kind": "complaint",
            "filing": "named",
            "complainant_name": "Jordan Ellis",
            "complainant_email": "jordan@example.org",
            "officer_name": "E1042",
            "what": MARKER,
            "attachments": [SimpleUploadedFile("p.jpg", jpeg_bytes(), "image/jpeg")],
        },
    )
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    notice = celery_worker.wait_for(lambda: Notification.objects.filter(recipient=ia.email).first())
    celery_worker.wait_for(lambda: Notification.objects.get(pk=notice.pk).status == "sent")
    mails = [m for m in celery_worker.mails() if f"<{notice.pk}@" in m]
    assert len(mails) == 1
    assert complaint.tracking_code in mails[0] and MARKER not in mails[0]
    celery_worker.wait_for(
        lambda: ComplaintAttachment.objects.get().status == ComplaintAttachment.Status.CLEAN
    )

    advance(complaint, ia, to="closed")  # the close hands the finding notice to the worker
    told = celery_worker.wait_for(
        lambda: Notification.objects.filter(recipient="jordan@example.org").first()
    )
    celery_worker.wait_for(lambda: Notification.objects.get(pk=told.pk).status == "sent")
    mail = next(m for m in celery_worker.mails() if f"<{told.pk}@" in m)
    assert "Sustained" in mail and complaint.tracking_code in mail
    complaint.refresh_from_db()
    assert not complaint.finding_notice_pending and complaint.complainant_notified_on

    lines = celery_worker.log[log_start:]
    assert lines
    assert not [line for line in lines if "complaints." in line]


def test_a_notice_lost_with_the_broker_is_sent_by_the_sweep(
    celery_worker, shared_with_worker, officer, ia
):
    complaint = services.complaint_submit(
        kind="complaint",
        filing="anonymous",
        what="Lost notice",
        officers=[services.OfficerGiven(name="E1042")],
    ).complaint
    Complaint.objects.filter(pk=complaint.pk).update(notice_pending=True)
    Notification.objects.filter(recipient=ia.email).delete()
    # As if the after-commit hand-off had been lost: the beat's sweep finds the flag.
    from complaints import tasks

    tasks.sweep.delay()
    celery_worker.wait_for(lambda: Notification.objects.filter(recipient=ia.email).exists())
    celery_worker.wait_for(lambda: not Complaint.objects.get(pk=complaint.pk).notice_pending)
