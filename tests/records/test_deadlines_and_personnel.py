"""Deadlines and copy fees as the statutes say (issue 13): acknowledging does not stop the
deemed-denial clock of C.G.S. §1-206, requests for employees' personnel records follow §1-214,
and every copy line is capped by §1-212(a)(1)(B), whatever box is ticked."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404

from portal import roles
from portal.models import AuditEntry, Notification
from records import jobs, services
from records.models import EmployeeNotice, FeeScheduleItem, RecordRequest, Status
from records.services import Action, Upload
from tests.factories import UserFactory
from tests.records.factories import FeeScheduleItemFactory, RecordRequestFactory

pytestmark = pytest.mark.django_db
QUEUE = "/admin/records/recordrequest/"
MONDAY_NOON = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # noon in Eastbrook


# --- §1-206: the clock is about complying ---------------------------------------------------------


@time_machine.travel(MONDAY_NOON)
def test_an_acknowledged_request_not_complied_with_is_still_deemed_denied():
    late = RecordRequestFactory(due_date=date(2026, 11, 20))
    services.request_transition(record_request=late, action=Action.ACKNOWLEDGE, actor=None)
    services.request_transition(record_request=late, action=Action.START, actor=None)
    assert jobs.deemed_denials_mark() == 1
    late.refresh_from_db()
    assert late.deemed_denied_at is not None
    notice = Notification.objects.get(dedupe_key=f"records:deemed-denial:{late.pk}")
    assert "did not comply" in notice.body


@time_machine.travel(MONDAY_NOON)
def test_an_extension_alone_does_not_count_as_compliance():
    late = RecordRequestFactory(due_date=date(2026, 11, 20))
    RecordRequest.objects.filter(pk=late.pk).update(first_response_at=MONDAY_NOON)
    assert jobs.deemed_denials_mark() == 1


@time_machine.travel(MONDAY_NOON)
def test_compliance_closure_and_a_pause_stop_the_clock():
    ready = RecordRequestFactory(due_date=date(2026, 11, 20), status=Status.READY)
    closed = RecordRequestFactory(due_date=date(2026, 11, 20), status=Status.CLOSED)
    paused = RecordRequestFactory(
        due_date=date(2026, 11, 20), status=Status.AWAITING_REQUESTER, business_days_left=1
    )
    assert jobs.deemed_denials_mark() == 0
    for record_request in (ready, closed, paused):
        record_request.refresh_from_db()
        assert record_request.deemed_denied_at is None


# --- §1-214: employees' personnel records -------------------------------------------------------


def _notified(record_request, clerk=None):
    return services.employee_notice_send(
        record_request=record_request,
        employee_name="Officer J. Doe",
        email="jdoe@eastbrook.example",
        actor=clerk or UserFactory(),
    )


@time_machine.travel(MONDAY_NOON)
def test_notice_to_an_employee_is_e_mailed_and_moves_the_due_date_to_ten_business_days():
    record_request = RecordRequestFactory(due_date=date(2026, 11, 27))
    notice = _notified(record_request)
    record_request.refresh_from_db()
    # Monday 23 Nov 2026: Thanksgiving (26th) is a holiday; nine business days end on 7 Dec.
    assert notice.objection_deadline == date(2026, 12, 7)
    assert record_request.due_date == date(2026, 12, 8)
    mail = Notification.objects.get(recipient="jdoe@eastbrook.example")
    assert "§1-214" in mail.body and record_request.tracking_number in mail.body
    assert Notification.objects.filter(
        recipient=record_request.requester_email, dedupe_key__startswith="records:employee-notice"
    ).exists()
    assert AuditEntry.objects.filter(action="records.employee_notice.sent").exists()


def test_nothing_is_released_while_the_employee_may_object():
    record_request = RecordRequestFactory(status=Status.IN_REVIEW)
    _notified(record_request)
    with pytest.raises(ValidationError) as refused:
        services.request_transition(
            record_request=record_request, action=Action.APPROVE, actor=UserFactory()
        )
    assert refused.value.code == "employee_window"
    document = services.document_release(
        record_request=record_request,
        upload=Upload(name="file.pdf", content_type="application/pdf", data=b"%PDF-1.4 x"),
        actor=UserFactory(),
    )
    with pytest.raises(ValidationError):
        services.document_approve(document=document, actor=UserFactory())


def test_a_document_released_before_the_notice_is_held_at_the_download_door():
    record_request = RecordRequestFactory(status=Status.READY)
    document = services.document_release(
        record_request=record_request,
        upload=Upload(name="file.pdf", content_type="application/pdf", data=b"%PDF-1.4 x"),
        actor=UserFactory(),
    )
    services.document_approve(document=document, actor=UserFactory())
    _notified(record_request)
    with pytest.raises(Http404):
        services.document_for_download(token=services.download_token(document=document))


def test_an_objection_holds_the_release_and_the_clock_until_resolved():
    record_request = RecordRequestFactory(status=Status.IN_REVIEW)
    notice = _notified(record_request)
    EmployeeNotice.objects.filter(pk=notice.pk).update(objection_deadline=date(2000, 1, 3))
    services.employee_objection_record(
        notice=notice, actor=UserFactory(), note="Union letter on the FOIC form, 1 Dec."
    )
    RecordRequest.objects.filter(pk=record_request.pk).update(due_date=date(2000, 1, 3))
    assert jobs.deemed_denials_mark() == 0  # a lawful pause
    with pytest.raises(ValidationError) as refused:
        services.request_transition(
            record_request=record_request, action=Action.APPROVE, actor=UserFactory()
        )
    assert refused.value.code == "employee_objection"
    services.employee_objection_resolve(
        notice=notice, resolution=EmployeeNotice.Resolution.ORDERED, actor=UserFactory()
    )
    services.request_transition(
        record_request=record_request, action=Action.APPROVE, actor=UserFactory()
    )
    record_request.refresh_from_db()
    assert record_request.status == Status.READY


def test_the_admin_sends_the_notice_and_records_the_objection(client):
    clerk = UserFactory(roles=[roles.RECORDS_CLERKS])
    client.force_login(clerk)
    record_request = RecordRequestFactory(status=Status.IN_REVIEW)
    page = client.get(f"{QUEUE}{record_request.pk}/change/").content.decode()
    assert "personnel/notice/" in page and "§1-214" in page
    response = client.post(
        f"{QUEUE}{record_request.pk}/personnel/notice/",
        {"employee_name": "Officer J. Doe", "email": "jdoe@eastbrook.example"},
    )
    assert response.status_code == 302
    notice = EmployeeNotice.objects.get(request=record_request)
    client.post(f"{QUEUE}{record_request.pk}/act/{Action.APPROVE}/", {"note": ""})
    record_request.refresh_from_db()
    assert record_request.status == Status.IN_REVIEW  # held at the admin's door too
    client.post(
        f"{QUEUE}{record_request.pk}/personnel/objection/",
        {"notice": notice.pk, "objection_note": "Written objection from the officer"},
    )
    notice.refresh_from_db()
    assert notice.objected_at is not None
    page = client.get(f"{QUEUE}{record_request.pk}/change/").content.decode()
    assert "an objection is unresolved" in page


# --- §1-212(a)(1)(B): every copy line capped ----------------------------------------------------


def test_a_per_page_fee_is_capped_even_when_the_copies_box_is_not_ticked():
    with pytest.raises(ValidationError) as refused:
        services.fee_schedule_item_save(
            item=FeeScheduleItemFactory.build(is_copy=False, amount=Decimal("1.00"))
        )
    assert refused.value.error_dict["amount"][0].code == "above_fee_cap"
    item = FeeScheduleItemFactory(is_copy=False, amount=Decimal("0.50"))
    FeeScheduleItem.objects.filter(pk=item.pk).update(amount=Decimal("2.00"))
    item.refresh_from_db()
    with pytest.raises(ValidationError):
        services.fee_add(record_request=RecordRequestFactory(), item=item, quantity=3, actor=None)


def test_a_flat_fee_for_copies_is_capped_by_the_pages_it_covers():
    flat = FeeScheduleItemFactory(unit=FeeScheduleItem.Unit.FLAT, amount=Decimal("5.00"))
    with pytest.raises(ValidationError) as refused:
        services.fee_add(record_request=RecordRequestFactory(), item=flat, quantity=4, actor=None)
    assert refused.value.error_dict["amount"][0].code == "above_fee_cap"
    fee = services.fee_add(
        record_request=RecordRequestFactory(), item=flat, quantity=10, actor=None
    )
    assert (fee.quantity, fee.amount) == (10, Decimal("5.00"))


def test_the_cap_is_cited_as_1_212_a_1_B():
    with pytest.raises(ValidationError) as refused:
        services.fee_schedule_validate(item=FeeScheduleItemFactory.build(amount=Decimal("0.51")))
    assert "§1-212(a)(1)(B)" in refused.value.error_dict["amount"][0].message % (
        refused.value.error_dict["amount"][0].params or {}
    )
    help_text = str(FeeScheduleItem._meta.get_field("is_copy").help_text)
    assert "§1-212(a)(1)(B)" in help_text
