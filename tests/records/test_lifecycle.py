"""The lifecycle: every (status, action) pair, the paused clock, and what each step records."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from portal.errors import DomainError
from portal.models import AuditEntry, Notification
from records.models import ClosureReason, RecordRequest, RequestKind, Status
from records.selectors import business_days_left
from records.services import TRANSITIONS, Action, request_submit, request_transition
from tests.factories import UserFactory
from tests.records.factories import RecordRequestFactory

pytestmark = pytest.mark.django_db

# Written out by hand, apart from the code's table, so a change to the table must be deliberate.
EXPECTED = {
    Status.RECEIVED: {Action.ACKNOWLEDGE, Action.AWAIT_REQUESTER, Action.CLOSE},
    Status.ACKNOWLEDGED: {Action.START, Action.AWAIT_REQUESTER, Action.CLOSE},
    Status.IN_PROGRESS: {Action.SUBMIT_FOR_REVIEW, Action.AWAIT_REQUESTER, Action.CLOSE},
    Status.IN_REVIEW: {
        Action.APPROVE,
        Action.RETURN_FOR_WORK,
        Action.AWAIT_REQUESTER,
        Action.CLOSE,
    },
    Status.READY: {Action.AWAIT_REQUESTER, Action.CLOSE},
    Status.AWAITING_REQUESTER: {Action.RESUME, Action.CLOSE},
    Status.CLOSED: set(),
}
AUDITED = {
    Action.ACKNOWLEDGE: "acknowledged",
    Action.START: "started",
    Action.SUBMIT_FOR_REVIEW: "sent_for_review",
    Action.RETURN_FOR_WORK: "returned_for_work",
    Action.APPROVE: "approved",
    Action.AWAIT_REQUESTER: "paused",
    Action.RESUME: "resumed",
    Action.CLOSE: "closed",
}
TARGET = {
    Action.ACKNOWLEDGE: Status.ACKNOWLEDGED,
    Action.START: Status.IN_PROGRESS,
    Action.SUBMIT_FOR_REVIEW: Status.IN_REVIEW,
    Action.RETURN_FOR_WORK: Status.IN_PROGRESS,
    Action.APPROVE: Status.READY,
    Action.AWAIT_REQUESTER: Status.AWAITING_REQUESTER,
    Action.RESUME: Status.IN_PROGRESS,  # the paused request below was in progress
    Action.CLOSE: Status.CLOSED,
}


def test_table_names_every_action():
    assert set(TRANSITIONS) == set(TARGET)


@pytest.mark.parametrize("action", sorted(TARGET))
@pytest.mark.parametrize("status", list(Status))
def test_each_status_and_action_pair_is_allowed_or_refused_as_declared(status, action):
    record_request = RecordRequestFactory(
        status=status,
        paused_status=Status.IN_PROGRESS if status == Status.AWAITING_REQUESTER else "",
        business_days_left=2 if status == Status.AWAITING_REQUESTER else None,
    )
    clerk = UserFactory()
    audits = AuditEntry.objects.count()
    if action in EXPECTED[status]:
        result = request_transition(
            record_request=record_request,
            action=action,
            actor=clerk,
            note="Which date was it?",
            closure_reason=ClosureReason.WITHDRAWN,
        )
        assert result.status == TARGET[action]
        assert result.timeline.filter(action=action).count() == 1
        assert AuditEntry.objects.count() == audits + 1
        assert AuditEntry.objects.first().action == f"records.recordrequest.{AUDITED[action]}"
    else:
        with pytest.raises(DomainError) as refused:
            request_transition(
                record_request=record_request,
                action=action,
                actor=clerk,
                note="x",
                closure_reason=ClosureReason.WITHDRAWN,
            )
        assert refused.value.domain_code == "invalid_transition"
        record_request.refresh_from_db()
        assert record_request.status == status
        assert record_request.timeline.count() == 0
        assert AuditEntry.objects.count() == audits


def _submit(**kwargs) -> RecordRequest:
    return request_submit(
        kind=RequestKind.POLICE_REPORT,
        requester_name="Dana Whitlock",
        requester_email="dana@example.org",
        details={"case_number": "26-1"},
        **kwargs,
    )


@time_machine.travel(datetime(2026, 11, 16, 15, 0, tzinfo=UTC))  # Monday, 10 a.m. in Eastbrook
def test_due_date_is_four_business_days_after_receipt():
    record_request = _submit()
    assert record_request.due_date == date(2026, 11, 20)
    assert record_request.tracking_number.startswith("R26-")
    assert record_request.sent_at == record_request.received_at


def test_received_after_midnight_utc_but_before_midnight_locally_counts_that_local_day():
    # 03:00 UTC on Tuesday is still Monday evening in Connecticut.
    with time_machine.travel(datetime(2026, 11, 17, 3, 0, tzinfo=UTC)):
        record_request = _submit()
    assert record_request.due_date == date(2026, 11, 20)


def test_pausing_keeps_the_remaining_business_days_for_when_work_resumes():
    clerk = UserFactory()
    with time_machine.travel(datetime(2026, 11, 16, 15, 0, tzinfo=UTC)):
        record_request = _submit()  # due Friday 20th
    with time_machine.travel(datetime(2026, 11, 17, 15, 0, tzinfo=UTC)):  # Tuesday
        request_transition(record_request=record_request, action=Action.ACKNOWLEDGE, actor=clerk)
        record_request = request_transition(
            record_request=record_request,
            action=Action.AWAIT_REQUESTER,
            actor=clerk,
            note="Please send the date of the incident.",
        )
    assert record_request.business_days_left == 3  # Wed, Thu, Fri
    with time_machine.travel(datetime(2026, 11, 20, 15, 0, tzinfo=UTC)):
        assert business_days_left(record_request=record_request) == 3  # frozen while paused
    with time_machine.travel(datetime(2026, 11, 23, 15, 0, tzinfo=UTC)):  # the next Monday
        record_request = request_transition(
            record_request=record_request, action=Action.RESUME, actor=clerk
        )
    # Three business days from Monday 23rd: Tue 24, Wed 25, (Thanksgiving) Fri 27.
    assert record_request.due_date == date(2026, 11, 27)
    assert record_request.status == Status.ACKNOWLEDGED
    assert record_request.business_days_left is None


def test_pausing_needs_a_note_saying_what_is_needed():
    record_request = RecordRequestFactory()
    with pytest.raises(DomainError) as refused:
        request_transition(
            record_request=record_request, action=Action.AWAIT_REQUESTER, actor=UserFactory()
        )
    assert refused.value.domain_code == "note_required"


def test_a_denial_must_cite_its_exemption():
    record_request = RecordRequestFactory(status=Status.IN_PROGRESS)
    with pytest.raises(DomainError) as refused:
        request_transition(
            record_request=record_request,
            action=Action.CLOSE,
            actor=UserFactory(),
            closure_reason=ClosureReason.DENIED,
        )
    assert refused.value.domain_code == "exemption_required"
    closed = request_transition(
        record_request=record_request,
        action=Action.CLOSE,
        actor=UserFactory(),
        closure_reason=ClosureReason.DENIED,
        exemption="C.G.S. §1-210(b)(3)(A)",
    )
    assert closed.exemption == "C.G.S. §1-210(b)(3)(A)"


def test_only_a_request_ready_for_release_can_close_as_fulfilled():
    record_request = RecordRequestFactory(status=Status.IN_PROGRESS)
    with pytest.raises(DomainError) as refused:
        request_transition(
            record_request=record_request,
            action=Action.CLOSE,
            actor=UserFactory(),
            closure_reason=ClosureReason.FULFILLED,
        )
    assert refused.value.domain_code == "not_ready"


def test_submitting_e_mails_the_requester_a_tracking_link_in_their_language():
    record_request = _submit(language="es")
    notification = Notification.objects.get(recipient="dana@example.org")
    assert record_request.tracking_number in notification.subject
    assert "/es/records/track/" in notification.body
    assert "Recibimos" in notification.subject


def test_acknowledging_tells_the_requester_and_counts_as_a_written_response():
    record_request = _submit()
    request_transition(record_request=record_request, action=Action.ACKNOWLEDGE, actor=None)
    record_request.refresh_from_db()
    assert record_request.first_response_at is not None
    assert Notification.objects.filter(recipient="dana@example.org").count() == 2


def test_internal_steps_do_not_e_mail_the_requester():
    record_request = RecordRequestFactory(status=Status.ACKNOWLEDGED)
    request_transition(record_request=record_request, action=Action.START, actor=UserFactory())
    assert not Notification.objects.filter(recipient=record_request.requester_email).exists()
