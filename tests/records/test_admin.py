"""The clerks' queue in admin: filters, bulk actions with a reason and one audit row per
request, the workflow page, messages and notes, CSV export, a constant number of queries."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal import roles
from portal.localtime import to_local
from portal.models import AuditEntry, Notification
from records.models import Message, RecordRequest, Status
from tests.factories import UserFactory
from tests.records.factories import FeeScheduleItemFactory, RecordRequestFactory

pytestmark = pytest.mark.django_db
QUEUE = "/admin/records/recordrequest/"


@pytest.fixture
def clerk(clerk, client):
    """The clerk, signed in on the test client."""
    client.force_login(clerk)
    return clerk


def _bulk(client, action, requests, **data):
    return client.post(
        QUEUE,
        {
            "action": action,
            ACTION_CHECKBOX_NAME: [r.pk for r in requests],
            "apply": "1",
            **data,
        },
    )


def test_staff_outside_the_records_role_cannot_open_the_queue(client):
    client.force_login(UserFactory(roles=[roles.PARKING_OFFICERS]))
    assert client.get(QUEUE).status_code == 403


def test_queue_is_sorted_by_due_date(client, clerk):
    today = to_local(timezone.now()).date()
    later = RecordRequestFactory(due_date=today + timedelta(days=5))
    sooner = RecordRequestFactory(due_date=today + timedelta(days=1))
    page = client.get(QUEUE).content.decode()
    assert page.index(sooner.tracking_number) < page.index(later.tracking_number)


def test_filters_for_due_today_overdue_paused_and_unassigned(client, clerk):
    today = to_local(timezone.now()).date()
    due_today = RecordRequestFactory(due_date=today, assigned_to=clerk)
    overdue = RecordRequestFactory(due_date=today - timedelta(days=3), assigned_to=clerk)
    paused = RecordRequestFactory(status=Status.AWAITING_REQUESTER, business_days_left=2)
    closed_late = RecordRequestFactory(due_date=today - timedelta(days=3), status=Status.CLOSED)

    def shown(query):
        page = client.get(QUEUE + query).content.decode()
        everyone = [due_today, overdue, paused, closed_late]
        return {r.tracking_number for r in everyone if r.tracking_number in page}

    assert shown("?due=today") == {due_today.tracking_number}
    assert shown("?due=overdue") == {overdue.tracking_number}
    assert shown("?due=paused") == {paused.tracking_number}
    assert shown("?clerk=none") == {paused.tracking_number, closed_late.tracking_number}
    assert shown("?clerk=me") == {due_today.tracking_number, overdue.tracking_number}


def test_queue_query_count_does_not_grow_with_the_requests_shown(client, clerk):
    RecordRequestFactory.create_batch(3, assigned_to=clerk)
    client.get(QUEUE)  # warm the caches (department settings, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(QUEUE).status_code == 200
    other = UserFactory(roles=[roles.RECORDS_CLERKS])
    RecordRequestFactory.create_batch(30, assigned_to=other)
    with CaptureQueriesContext(connection) as many:
        assert client.get(QUEUE).status_code == 200
    assert len(many) == len(few)


def test_bulk_assign_asks_for_a_reason_and_writes_one_audit_row_per_request(client, clerk):
    requests = RecordRequestFactory.create_batch(3)
    page = client.post(QUEUE, {"action": "assign", ACTION_CHECKBOX_NAME: [r.pk for r in requests]})
    assert "Reason" in page.content.decode()  # the intermediate page
    assert not AuditEntry.objects.filter(action="records.recordrequest.assigned").exists()

    refused = _bulk(client, "assign", requests, clerk=clerk.pk, reason="")
    assert refused.status_code == 200
    assert RecordRequest.objects.filter(assigned_to=clerk).count() == 0

    _bulk(client, "assign", requests, clerk=clerk.pk, reason="Monday's share")
    assert RecordRequest.objects.filter(assigned_to=clerk).count() == 3
    rows = AuditEntry.objects.filter(action="records.recordrequest.assigned")
    assert sorted(int(r.target_id) for r in rows) == sorted(r.pk for r in requests)
    assert all(r.detail["reason"] == "Monday's share" for r in rows)


def test_bulk_acknowledge_moves_only_what_may_move_and_audits_each(client, clerk):
    received = RecordRequestFactory.create_batch(2)
    closed = RecordRequestFactory(status=Status.CLOSED)
    _bulk(client, "acknowledge", [*received, closed], reason="Seen this morning")
    assert RecordRequest.objects.filter(status=Status.ACKNOWLEDGED).count() == 2
    assert AuditEntry.objects.filter(action="records.recordrequest.acknowledged").count() == 2
    closed.refresh_from_db()
    assert closed.status == Status.CLOSED


def test_bulk_extend_moves_the_due_date_by_business_days_and_tells_the_requester(client, clerk):
    from datetime import date

    record_request = RecordRequestFactory(due_date=date(2026, 11, 25))  # a Wednesday
    _bulk(client, "extend", [record_request], business_days=2, reason="Video must be copied")
    record_request.refresh_from_db()
    assert record_request.due_date == date(2026, 11, 30)  # skipping Thanksgiving and a weekend
    assert AuditEntry.objects.filter(action="records.recordrequest.extended").count() == 1
    notice = Notification.objects.get(recipient=record_request.requester_email)
    assert "Video must be copied" in notice.body


def test_bulk_close_as_denied_requires_the_exemption(client, clerk):
    record_request = RecordRequestFactory(status=Status.IN_PROGRESS)
    _bulk(client, "close", [record_request], closure_reason="denied", exemption="", reason="No")
    record_request.refresh_from_db()
    assert record_request.status == Status.IN_PROGRESS
    _bulk(
        client,
        "close",
        [record_request],
        closure_reason="denied",
        exemption="C.G.S. §1-210(b)(3)(A)",
        reason="The investigation is open.",
    )
    record_request.refresh_from_db()
    assert record_request.status == Status.CLOSED
    assert record_request.exemption == "C.G.S. §1-210(b)(3)(A)"


def test_workflow_page_applies_one_transition(client, clerk):
    record_request = RecordRequestFactory()
    url = f"{QUEUE}{record_request.pk}/act/acknowledge/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"note": ""})
    assert response.status_code == 302
    record_request.refresh_from_db()
    assert record_request.status == Status.ACKNOWLEDGED


def test_opening_a_request_is_audited(client, clerk):
    record_request = RecordRequestFactory()
    assert client.get(f"{QUEUE}{record_request.pk}/change/").status_code == 200
    assert AuditEntry.objects.filter(
        action="records.recordrequest.viewed", target_id=str(record_request.pk)
    ).exists()


def _change(client, record_request, **data):
    base = {
        "requester_name": record_request.requester_name,
        "requester_email": record_request.requester_email,
        "requester_phone": "",
        "sent_at": timezone.localtime(record_request.sent_at).strftime("%Y-%m-%dT%H:%M"),
        "fee_quantity": "1",
    }
    for prefix in ["timeline", "messages", "fees", "documents", "redactions"]:
        base.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return client.post(f"{QUEUE}{record_request.pk}/change/", {**base, **data})


def test_clerk_writes_to_the_requester_and_adds_an_internal_note(client, clerk):
    record_request = RecordRequestFactory()
    response = _change(
        client,
        record_request,
        message="Your report is being copied.",
        internal_note="Check with Det. Ruiz first.",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    authors = set(Message.objects.values_list("author", flat=True))
    assert authors == {Message.Author.CLERK, Message.Author.NOTE}
    mails = Notification.objects.filter(recipient=record_request.requester_email)
    assert mails.count() == 1
    assert "Det. Ruiz" not in mails.get().body


def test_clerk_adds_a_fee_and_marks_it_paid(client, clerk):
    item = FeeScheduleItemFactory()
    record_request = RecordRequestFactory(status=Status.READY)
    _change(client, record_request, fee_item=item.pk, fee_quantity="8")
    assert str(record_request.fees.get().amount) == "4.00"
    _change(client, record_request, payment_choice="in_person", payment_receipt="R-1182")
    record_request.refresh_from_db()
    assert record_request.fees_paid_at is not None
    assert record_request.payment_reference == "R-1182"
    assert AuditEntry.objects.filter(action="records.payment.recorded").count() == 1


def test_csv_export_lists_the_selected_requests_and_is_audited(client, clerk):
    requests = RecordRequestFactory.create_batch(2)
    response = client.post(
        QUEUE, {"action": "export_csv", ACTION_CHECKBOX_NAME: [r.pk for r in requests]}
    )
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0].startswith("tracking_number,kind,status")
    assert all(r.tracking_number in body for r in requests)
    assert AuditEntry.objects.filter(action="records.recordrequest.exported").count() == 1


def test_clerk_enters_a_mailed_request(client, clerk):
    response = client.post(
        f"{QUEUE}add/?kind=other",
        {
            "requester_name": "Ruth Ames",
            "requester_email": "ruth@example.org",
            "requester_phone": "",
            "language": "en",
            "description": "Dispatch log for 1 November.",
            "delivery": "paper",
            "includes_video": "on",
            "sent_at": "2026-11-18T10:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    record_request = RecordRequest.objects.get(requester_email="ruth@example.org")
    assert record_request.tracking_number.startswith("R")
    assert record_request.kind == "other_foi"
    assert record_request.details == {"delivery": "paper", "includes_video": True}
    assert timezone.localtime(record_request.sent_at).date().isoformat() == "2026-11-18"
    assert AuditEntry.objects.filter(
        action="records.recordrequest.submitted", actor=clerk, target_id=str(record_request.pk)
    ).exists()


def test_the_add_page_asks_the_type_first(client, clerk):
    page = client.get(f"{QUEUE}add/").content.decode()
    for slug in ["police-report", "accident-report", "record-check", "fingerprinting", "other"]:
        assert f"?kind={slug}" in page


def test_a_phoned_in_police_report_request_is_checked_like_the_public_form(client, clerk):
    data = {
        "requester_name": "Luis Ortega",
        "requester_email": "luis@example.org",
        "language": "es",
        "relation": "involved",
    }
    response = client.post(f"{QUEUE}add/?kind=police-report", data)
    assert response.status_code == 200
    assert "Give the case number, or the date and the place of the incident." in (
        response.content.decode()
    )
    assert not RecordRequest.objects.exists()
    response = client.post(f"{QUEUE}add/?kind=police-report", {**data, "case_number": "26-0042"})
    assert response.status_code == 302
    record_request = RecordRequest.objects.get()
    assert (record_request.kind, record_request.language) == ("police_report", "es")
    assert record_request.details == {"case_number": "26-0042", "relation": "involved"}
    mail = Notification.objects.get(recipient="luis@example.org")
    assert mail.subject == f"Recibimos su solicitud {record_request.tracking_number}"


def test_a_walk_in_record_check_needs_the_identity_document(client, clerk):
    response = client.post(
        f"{QUEUE}add/?kind=record-check",
        {
            "requester_name": "Ana Ruiz",
            "requester_email": "ana@example.org",
            "language": "en",
            "date_of_birth": "1990-02-03",
            "home_address": "12 Elm St",
            "purpose": "housing",
        },
    )
    assert response.status_code == 200
    assert not RecordRequest.objects.exists()


def test_clerk_opens_an_identity_document_and_the_opening_is_audited(client, clerk):
    from records.models import Document
    from records.services.documents import Upload, store_document

    record_request = RecordRequestFactory(kind="record_check")
    document = store_document(
        record_request=record_request,
        kind=Document.Kind.ID_DOCUMENT,
        upload=Upload(name="licence.png", content_type="image/png", data=b"\x89PNG-id"),
    )
    page = client.get(f"{QUEUE}{record_request.pk}/change/").content.decode()
    link = f"{QUEUE}{record_request.pk}/document/{document.pk}/"
    assert link in page
    response = client.get(link)
    assert response.content == b"\x89PNG-id"
    assert AuditEntry.objects.filter(action="records.document.viewed").count() == 1
    other = RecordRequestFactory()
    assert client.get(f"{QUEUE}{other.pk}/document/{document.pk}/").status_code == 404


def test_clerk_repeats_fingerprinting_times_weekly_without_duplicates(client, clerk):
    from records.models import FingerprintSlot
    from tests.records.factories import FingerprintSlotFactory

    slot = FingerprintSlotFactory(capacity=3)
    url = "/admin/records/fingerprintslot/"
    data = {"action": "repeat_weekly", ACTION_CHECKBOX_NAME: [slot.pk], "apply": "1", "weeks": 3}
    client.post(url, data)
    client.post(url, data)
    starts = sorted(FingerprintSlot.objects.values_list("starts_at", flat=True))
    assert len(starts) == 4
    assert starts[-1] - starts[0] == timedelta(weeks=3)
    assert FingerprintSlot.objects.filter(capacity=3).count() == 4
