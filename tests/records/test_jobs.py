"""Beat jobs: the deemed-denial notice sent exactly once, reminders, the digest, the purge."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from portal.models import AuditEntry, Notification
from records import jobs
from records.models import Document, RecordRequest, RecordsSettings, RequestKind, Status
from records.services import Upload
from records.services.documents import store_document
from tests.factories import UserFactory
from tests.records.factories import FingerprintSlotFactory, RecordRequestFactory

pytestmark = pytest.mark.django_db

MONDAY_NOON = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # noon in Eastbrook


def _appeal_notices(record_request) -> int:
    return Notification.objects.filter(
        recipient=record_request.requester_email, dedupe_key__startswith="records:deemed-denial"
    ).count()


@time_machine.travel(MONDAY_NOON)
def test_deemed_denial_is_marked_and_told_once_however_often_the_job_runs():
    late = RecordRequestFactory(due_date=date(2026, 11, 20))
    jobs.deemed_denials_mark()
    jobs.deemed_denials_mark()
    late.refresh_from_db()
    assert late.deemed_denied_at is not None
    assert _appeal_notices(late) == 1
    notice = Notification.objects.get(dedupe_key=f"records:deemed-denial:{late.pk}")
    assert "Freedom of Information Commission" in notice.body
    assert "30 days" in notice.body
    # Even if the mark were lost, the outbox's dedupe key keeps the notice single.
    RecordRequest.objects.filter(pk=late.pk).update(deemed_denied_at=None)
    jobs.deemed_denials_mark()
    assert _appeal_notices(late) == 1
    assert AuditEntry.objects.filter(action="records.recordrequest.deemed_denied").count() == 2


@time_machine.travel(MONDAY_NOON)
def test_a_request_complied_with_in_time_or_paused_is_not_deemed_denied():
    # Complied with: approved for release (an acknowledgement alone no longer counts: issue 13,
    # tests/records/test_deadlines_and_personnel.py).
    answered = RecordRequestFactory(due_date=date(2026, 11, 20), status=Status.READY)
    paused = RecordRequestFactory(
        due_date=date(2026, 11, 20), status=Status.AWAITING_REQUESTER, business_days_left=1
    )
    not_yet = RecordRequestFactory(due_date=date(2026, 11, 23))
    assert jobs.deemed_denials_mark() == 0
    for record_request in (answered, paused, not_yet):
        record_request.refresh_from_db()
        assert record_request.deemed_denied_at is None


@time_machine.travel(MONDAY_NOON)
def test_deemed_denial_notice_is_in_the_requesters_language():
    late = RecordRequestFactory(due_date=date(2026, 11, 20), language="es")
    jobs.deemed_denials_mark()
    notice = Notification.objects.get(dedupe_key=f"records:deemed-denial:{late.pk}")
    assert "Comisión de Libertad de Información" in notice.body


@time_machine.travel(MONDAY_NOON)
def test_assigned_clerk_is_reminded_once_before_the_due_date():
    clerk = UserFactory(email="carmen@example.org")
    RecordRequestFactory(due_date=date(2026, 11, 24), assigned_to=clerk)  # tomorrow
    RecordRequestFactory(due_date=date(2026, 12, 4), assigned_to=clerk)  # far off
    jobs.clerk_reminders_send()
    jobs.clerk_reminders_send()
    assert Notification.objects.filter(recipient="carmen@example.org").count() == 1


def test_supervisor_gets_one_overdue_digest_a_day_after_seven():
    settings_row = RecordsSettings.get_solo()
    settings_row.supervisor_email = "sergeant@example.org"
    settings_row.save()
    RecordRequestFactory(due_date=date(2026, 11, 19))
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=UTC)):  # 5 a.m. local
        assert jobs.overdue_digest_send() is False
    with time_machine.travel(MONDAY_NOON):
        jobs.overdue_digest_send()
        jobs.overdue_digest_send()
    digests = Notification.objects.filter(recipient="sergeant@example.org")
    assert digests.count() == 1
    assert "1 overdue" in digests.get().subject


@time_machine.travel(MONDAY_NOON)
def test_fingerprinting_reminder_goes_the_day_before_once():
    slot = FingerprintSlotFactory(
        starts_at=datetime(2026, 11, 24, 14, 0, tzinfo=UTC),
        ends_at=datetime(2026, 11, 24, 14, 20, tzinfo=UTC),
        booked=1,
    )
    booking = RecordRequestFactory(kind=RequestKind.FINGERPRINTING, slot=slot)
    jobs.appointment_reminders_send()
    jobs.appointment_reminders_send()
    reminders = Notification.objects.filter(recipient=booking.requester_email)
    assert reminders.count() == 1
    assert "fingerprinting" in reminders.get().subject.lower()


def test_identity_documents_are_purged_after_the_retention_period(
    django_capture_on_commit_callbacks,
):
    record_request = RecordRequestFactory(
        kind=RequestKind.RECORD_CHECK,
        status=Status.CLOSED,
        closed_at=timezone.now() - timedelta(days=100),
    )
    document = store_document(
        record_request=record_request,
        kind=Document.Kind.ID_DOCUMENT,
        upload=Upload(name="id.png", content_type="image/png", data=b"\x89PNG..."),
    )
    recent = RecordRequestFactory(status=Status.CLOSED, closed_at=timezone.now())
    kept = store_document(
        record_request=recent,
        kind=Document.Kind.ID_DOCUMENT,
        upload=Upload(name="id.png", content_type="image/png", data=b"\x89PNG..."),
    )
    path = document.file.path
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.id_documents_purge() == 1
    document.refresh_from_db()
    kept.refresh_from_db()
    assert document.purged_at is not None and not document.file
    import os

    assert not os.path.exists(path)
    assert kept.purged_at is None
    assert jobs.id_documents_purge() == 0
