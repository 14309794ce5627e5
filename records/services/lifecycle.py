"""The lifecycle of a request, declared once in TRANSITIONS; `request_transition` is the only
way a status changes. Also giving a request to a clerk and moving its due date.

Rules and where they come from:
- Deadline: a public agency complies with a request within four business days of receiving it
  (C.G.S. §1-206(a)); a failure to comply in that time is deemed a denial, which the requester
  may appeal to the Freedom of Information Commission within thirty days (§1-206(b)(1)).
  Acknowledging a request, or any other message, does not stop that clock: only compliance
  (the request approved for release, or closed) or a lawful pause does (records/jobs.py).
- Records from employees' personnel files follow §1-214 (records/services/personnel.py): the
  employees are notified, the due date moves, and nothing is approved for release while they
  may object or an objection is unresolved.
  Business days skip weekends and Connecticut's legal holidays (records/businessdays.py).
- While we wait for the requester (a clarification or a payment) the clock is paused: resuming
  keeps the business days that were left, counted from the day of resuming (department policy).
- A denial names the statutory exemption it relies on (§1-210(b)).
- Each transition writes a timeline entry and an audit entry in the same transaction, and,
  where the requester should know, queues a message through the outbox.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.errors import DomainError
from portal.localtime import to_local
from portal.services.audit import audit_record
from portal.services.notifications import notification_enqueue
from records.businessdays import add_business_days, business_days_between
from records.models import ClosureReason, RecordRequest, Status
from records.services.common import notify_requester, timeline_add
from records.services.personnel import personnel_release_check

RESPONSE_BUSINESS_DAYS = 4  # C.G.S. §1-206(a)
APPEAL_DAYS = 30  # C.G.S. §1-206(b)(1)

OPEN = frozenset(s for s in Status if s != Status.CLOSED)
WORKING = frozenset(OPEN - {Status.AWAITING_REQUESTER})


class Action:
    ACKNOWLEDGE = "acknowledge"
    START = "start"
    SUBMIT_FOR_REVIEW = "submit_for_review"
    RETURN_FOR_WORK = "return_for_work"
    APPROVE = "approve"
    AWAIT_REQUESTER = "await_requester"
    RESUME = "resume"
    CLOSE = "close"


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str | None  # None: back to the status the request had before the pause
    label: object
    tells_requester: bool
    audit_action: str  # the audit log's name for it (records/audit.py)


# The lifecycle, declared once.
TRANSITIONS: dict[str, Transition] = {
    Action.ACKNOWLEDGE: Transition(
        frozenset({Status.RECEIVED}),
        Status.ACKNOWLEDGED,
        gettext_lazy("Acknowledge"),
        True,
        "records.recordrequest.acknowledged",
    ),
    Action.START: Transition(
        frozenset({Status.ACKNOWLEDGED}),
        Status.IN_PROGRESS,
        gettext_lazy("Start work"),
        False,
        "records.recordrequest.started",
    ),
    Action.SUBMIT_FOR_REVIEW: Transition(
        frozenset({Status.IN_PROGRESS}),
        Status.IN_REVIEW,
        gettext_lazy("Send for review"),
        False,
        "records.recordrequest.sent_for_review",
    ),
    Action.RETURN_FOR_WORK: Transition(
        frozenset({Status.IN_REVIEW}),
        Status.IN_PROGRESS,
        gettext_lazy("Return for work"),
        False,
        "records.recordrequest.returned_for_work",
    ),
    Action.APPROVE: Transition(
        frozenset({Status.IN_REVIEW}),
        Status.READY,
        gettext_lazy("Approve for release"),
        True,
        "records.recordrequest.approved",
    ),
    Action.AWAIT_REQUESTER: Transition(
        WORKING,
        Status.AWAITING_REQUESTER,
        gettext_lazy("Wait for the requester (pause the clock)"),
        True,
        "records.recordrequest.paused",
    ),
    Action.RESUME: Transition(
        frozenset({Status.AWAITING_REQUESTER}),
        None,
        gettext_lazy("Resume the clock"),
        False,
        "records.recordrequest.resumed",
    ),
    Action.CLOSE: Transition(
        OPEN, Status.CLOSED, gettext_lazy("Close"), True, "records.recordrequest.closed"
    ),
}

# Closing as fulfilled needs the documents to have been approved for release.
FULFILLING = {ClosureReason.FULFILLED, ClosureReason.PARTLY_FULFILLED}

# What the requester is told, per action (in their language, at the time of sending).
_NOTICES = {
    Action.ACKNOWLEDGE: (
        gettext_lazy("We are working on your request %(number)s"),
        gettext_lazy(
            "The Records Division has received your request %(number)s and is working on it. "
            "We will answer by %(due)s."
        ),
    ),
    Action.APPROVE: (
        gettext_lazy("Your request %(number)s is ready"),
        gettext_lazy(
            "Your request %(number)s is ready. Open your tracking page to see any fees due and "
            "to download what we release."
        ),
    ),
    Action.AWAIT_REQUESTER: (
        gettext_lazy("We need something from you for request %(number)s"),
        gettext_lazy(
            "To go on with request %(number)s we need the following from you: %(note)s\n"
            "Your request is on hold until then. Reply from your tracking page."
        ),
    ),
    Action.CLOSE: (
        gettext_lazy("Your request %(number)s is closed"),
        gettext_lazy("Your request %(number)s is closed: %(reason)s.\n%(note)s"),
    ),
}


def due_date_for(*, received_at: datetime) -> date:
    """Four business days after the day of receipt (C.G.S. §1-206(a))."""
    return add_business_days(to_local(received_at).date(), RESPONSE_BUSINESS_DAYS)


# --- The lifecycle -------------------------------------------------------------------------------


def allowed_actions(*, record_request: RecordRequest) -> list[str]:
    return [name for name, t in TRANSITIONS.items() if record_request.status in t.sources]


@transaction.atomic
def request_transition(
    *,
    record_request: RecordRequest,
    action: str,
    actor: AbstractBaseUser | None,
    note: str = "",
    closure_reason: str = "",
    exemption: str = "",
    now: datetime | None = None,
) -> RecordRequest:
    """Move a request along its lifecycle, or refuse with a DomainError."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise DomainError(_("Unknown action."), code="unknown_action")
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    if record_request.status not in transition.sources:
        raise DomainError(
            _("A request that is “%(status)s” cannot be moved that way (%(action)s).")
            % {"status": record_request.get_status_display(), "action": transition.label},
            code="invalid_transition",
            conflict=True,
        )
    now = now or timezone.now()
    today = to_local(now).date()
    note = note.strip()
    before = record_request.status
    fields = ["status", "updated_at"]

    if action == Action.APPROVE:
        personnel_release_check(record_request=record_request)  # C.G.S. §1-214(c)
    if action == Action.AWAIT_REQUESTER:
        if not note:
            raise DomainError(
                _("Say what you need from the requester."), code="note_required", field="note"
            )
        record_request.paused_status = before
        record_request.pause_reason = note[:300]
        record_request.business_days_left = max(
            business_days_between(today, record_request.due_date), 0
        )
        fields += ["paused_status", "pause_reason", "business_days_left"]
    elif action == Action.RESUME:
        days = record_request.business_days_left or 0
        record_request.due_date = add_business_days(today, days)
        record_request.business_days_left = None
        record_request.pause_reason = ""
        fields += ["due_date", "business_days_left", "pause_reason"]
    elif action == Action.CLOSE:
        if closure_reason not in ClosureReason.values:
            raise DomainError(
                _("Choose why the request is closed."),
                code="closure_reason_required",
                field="closure_reason",
            )
        if closure_reason in FULFILLING and before != Status.READY:
            raise DomainError(
                _("Only a request ready for release can be closed as fulfilled."),
                code="not_ready",
                field="closure_reason",
            )
        if closure_reason == ClosureReason.DENIED and not exemption.strip():
            raise DomainError(
                _("A denial must cite the statutory exemption it relies on."),
                code="exemption_required",
                field="exemption",
            )
        record_request.closure_reason = closure_reason
        record_request.exemption = exemption.strip()[:200]
        record_request.closure_note = note
        record_request.closed_at = now
        fields += ["closure_reason", "exemption", "closure_note", "closed_at"]

    record_request.status = (
        transition.target
        if transition.target
        else (record_request.paused_status or Status.ACKNOWLEDGED)
    )
    if action == Action.RESUME:
        record_request.paused_status = ""
        fields.append("paused_status")
    if transition.tells_requester and record_request.first_response_at is None:
        record_request.first_response_at = now  # a written response under §1-206(a)
        fields.append("first_response_at")
    record_request.save(update_fields=fields)

    timeline_add(
        record_request=record_request,
        action=action,
        actor=actor,
        note=note,
        public=action not in {Action.RETURN_FOR_WORK},
    )
    audit_record(
        actor=actor,
        action=transition.audit_action,
        target=record_request,
        detail={
            "from": before,
            "to": record_request.status,
            **({"note": note} if note else {}),
            **({"closure_reason": closure_reason} if closure_reason else {}),
            **({"exemption": exemption} if exemption else {}),
        },
        actor_label="" if actor else "requester",
    )
    if transition.tells_requester and action in _NOTICES:
        subject, body = _NOTICES[action]
        reason = ""
        if action == Action.CLOSE:
            with translation.override(record_request.language):
                reason = str(record_request.get_closure_reason_display())
                if record_request.exemption:
                    reason += " (" + record_request.exemption + ")"
        notify_requester(
            record_request=record_request, subject=subject, body=body, note=note, reason=reason
        )
    return record_request


# --- Clerks' queue -------------------------------------------------------------------------------


@transaction.atomic
def request_assign(
    *, record_request: RecordRequest, clerk: AbstractBaseUser | None, actor, reason: str
) -> RecordRequest:
    """Give a request to a clerk (or take it back, with None)."""
    if not reason.strip():
        raise DomainError(_("Give a reason."), code="reason_required", field="reason")
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    before = record_request.assigned_to_id
    record_request.assigned_to = clerk
    record_request.save(update_fields=["assigned_to", "updated_at"])
    timeline_add(record_request=record_request, action="assign", actor=actor, public=False)
    audit_record(
        actor=actor,
        action="records.recordrequest.assigned",
        target=record_request,
        detail={"from": before, "to": clerk.pk if clerk else None, "reason": reason.strip()},
    )
    if clerk is not None and clerk.email and clerk != actor:
        notification_enqueue(
            channel="email",
            recipient=clerk.email,
            subject=f"{record_request.tracking_number} is assigned to you",
            body=f"Record request {record_request.tracking_number} is assigned to you. "
            f"It is due on {record_request.due_date:%Y-%m-%d}.",
            language="en",
        )
    return record_request


@transaction.atomic
def request_extend(
    *, record_request: RecordRequest, business_days: int, actor, reason: str
) -> RecordRequest:
    """Move the due date later by a number of business days, with a reason the requester
    reads. (Section 1-206 has no extension: the first written answer must still come within
    four business days; this is for the time the records themselves take.)"""
    if not reason.strip():
        raise DomainError(_("Give a reason."), code="reason_required", field="reason")
    if not 1 <= business_days <= 30:
        raise DomainError(
            _("Extend by 1 to 30 business days."), code="bad_extension", field="business_days"
        )
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    if not record_request.is_open:
        raise DomainError(_("A closed request cannot be extended."), code="closed")
    before = record_request.due_date
    if record_request.is_paused:
        record_request.business_days_left = (record_request.business_days_left or 0) + (
            business_days
        )
    else:
        record_request.due_date = add_business_days(before, business_days)
    if record_request.first_response_at is None:
        record_request.first_response_at = timezone.now()
    record_request.save(
        update_fields=["due_date", "business_days_left", "first_response_at", "updated_at"]
    )
    timeline_add(record_request=record_request, action="extend", actor=actor, note=reason.strip())
    audit_record(
        actor=actor,
        action="records.recordrequest.extended",
        target=record_request,
        detail={
            "from": before.isoformat(),
            "to": record_request.due_date.isoformat(),
            "business_days": business_days,
            "reason": reason.strip(),
        },
    )
    notify_requester(
        record_request=record_request,
        subject=gettext_lazy("More time for your request %(number)s"),
        body=gettext_lazy(
            "We need more time to gather the records for request %(number)s: %(reason)s\n"
            "We now expect to answer by %(due)s."
        ),
        reason=reason.strip(),
    )
    return record_request
