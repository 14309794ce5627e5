"""Records and report requests: every write and every rule.

Rules and where they come from:
- Deadline: a public agency answers a request within four business days of receiving it
  (C.G.S. §1-206(a)); a failure to answer in that time is deemed a denial, which the requester
  may appeal to the Freedom of Information Commission within thirty days (§1-206(b)(1)).
  Business days skip weekends and Connecticut's legal holidays (records/businessdays.py).
  We store both when the requester sent the request and when we received it.
- While we wait for the requester (a clarification or a payment) the clock is paused: resuming
  keeps the business days that were left, counted from the day of resuming (department policy).
- Copies of public records cost at most $0.50 a page at a municipal agency (§1-212(a)(1)(A));
  the fee schedule refuses more, and fees may be waived with a reason (§1-212(d)).
- A denial names the statutory exemption it relies on (§1-210(b)).
- The lifecycle is declared once, in TRANSITIONS, and `request_transition` is the only way a
  status changes. Each transition writes a timeline entry and an audit entry in the same
  transaction, and, where the requester should know, queues a message through the outbox.
- Requests are private: only the requester (through a signed link or an e-mailed code) and the
  Records Division see one.
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.errors import DomainError
from portal.selectors import department_get
from portal.services.audit import audit_record
from portal.services.notifications import notification_enqueue
from records import crypto
from records.businessdays import add_business_days, business_days_between
from records.models import (
    ClosureReason,
    Document,
    Fee,
    FeeScheduleItem,
    FingerprintSlot,
    Message,
    RecordRequest,
    RequestKind,
    Status,
    TimelineEntry,
)

RESPONSE_BUSINESS_DAYS = 4  # C.G.S. §1-206(a)
APPEAL_DAYS = 30  # C.G.S. §1-206(b)(1)
COPY_FEE_CAP_PER_PAGE = Decimal("0.50")  # C.G.S. §1-212(a)(1)(A), municipal agencies
TRACKING_LINK_MAX_AGE = 400 * 24 * 3600
DOWNLOAD_LINK_MAX_AGE = 7 * 24 * 3600
_TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # nothing to misread: no 0/O, 1/I

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


# The lifecycle, declared once.
TRANSITIONS: dict[str, Transition] = {
    Action.ACKNOWLEDGE: Transition(
        frozenset({Status.RECEIVED}), Status.ACKNOWLEDGED, gettext_lazy("Acknowledge"), True
    ),
    Action.START: Transition(
        frozenset({Status.ACKNOWLEDGED}), Status.IN_PROGRESS, gettext_lazy("Start work"), False
    ),
    Action.SUBMIT_FOR_REVIEW: Transition(
        frozenset({Status.IN_PROGRESS}), Status.IN_REVIEW, gettext_lazy("Send for review"), False
    ),
    Action.RETURN_FOR_WORK: Transition(
        frozenset({Status.IN_REVIEW}), Status.IN_PROGRESS, gettext_lazy("Return for work"), False
    ),
    Action.APPROVE: Transition(
        frozenset({Status.IN_REVIEW}), Status.READY, gettext_lazy("Approve for release"), True
    ),
    Action.AWAIT_REQUESTER: Transition(
        WORKING,
        Status.AWAITING_REQUESTER,
        gettext_lazy("Wait for the requester (pause the clock)"),
        True,
    ),
    Action.RESUME: Transition(
        frozenset({Status.AWAITING_REQUESTER}), None, gettext_lazy("Resume the clock"), False
    ),
    Action.CLOSE: Transition(OPEN, Status.CLOSED, gettext_lazy("Close"), True),
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


# --- Dates ---------------------------------------------------------------------------------------


def local_datetime_of(moment: datetime) -> datetime:
    """`moment` in the department's time zone."""
    import zoneinfo

    zone = zoneinfo.ZoneInfo(department_get().time_zone or settings.TIME_ZONE)
    return moment.astimezone(zone)


def local_date(moment: datetime) -> date:
    return local_datetime_of(moment).date()


def due_date_for(*, received_at: datetime) -> date:
    """Four business days after the day of receipt (C.G.S. §1-206(a))."""
    return add_business_days(local_date(received_at), RESPONSE_BUSINESS_DAYS)


def business_days_left(*, record_request: RecordRequest, today: date | None = None) -> int:
    """Business days from today to the due date; negative when overdue. While paused, the
    days frozen at the pause."""
    if record_request.is_paused and record_request.business_days_left is not None:
        return record_request.business_days_left
    today = today or local_date(timezone.now())
    return business_days_between(today, record_request.due_date)


def business_days_since_receipt(*, record_request: RecordRequest) -> int:
    """Business days the request has been with us (until it closed, if it has)."""
    end = record_request.closed_at or timezone.now()
    return max(business_days_between(local_date(record_request.received_at), local_date(end)), 0)


# --- Tracking numbers, links, verification codes -------------------------------------------------


def _new_tracking_number(received: date) -> str:
    while True:
        suffix = "".join(secrets.choice(_TRACKING_ALPHABET) for _ in range(6))
        number = f"R{received:%y}-{suffix}"
        if not RecordRequest.objects.filter(tracking_number=number).exists():
            return number


def tracking_token(*, record_request: RecordRequest) -> str:
    return signing.dumps(str(record_request.public_id), salt="records.track", compress=True)


def tracking_token_read(*, token: str) -> str | None:
    """The request's public id, or None for a forged or expired token."""
    try:
        return signing.loads(token, salt="records.track", max_age=TRACKING_LINK_MAX_AGE)
    except signing.BadSignature:
        return None


def download_token(*, document: Document) -> str:
    return signing.dumps(
        {"d": document.pk, "r": str(document.request.public_id)}, salt="records.download"
    )


def download_token_read(*, token: str) -> dict | None:
    try:
        return signing.loads(token, salt="records.download", max_age=DOWNLOAD_LINK_MAX_AGE)
    except signing.BadSignature:
        return None


def tracking_url(*, record_request: RecordRequest) -> str:
    with translation.override(record_request.language):
        path = reverse(
            "records:track", kwargs={"token": tracking_token(record_request=record_request)}
        )
    return settings.PORTAL_BASE_URL.rstrip("/") + path


# --- Notifications -------------------------------------------------------------------------------


def _notify(*, record_request: RecordRequest, subject, body, dedupe_key: str | None = None, **kw):
    with translation.override(record_request.language):
        params = {
            "number": record_request.tracking_number,
            "due": record_request.due_date.strftime("%Y-%m-%d"),
            **{k: str(v) for k, v in kw.items()},
        }
        text = str(body) % params
        text += "\n\n" + _("Your tracking page: %(url)s") % {
            "url": tracking_url(record_request=record_request)
        }
        text += "\n\n" + str(department_get().name)
        notification_enqueue(
            channel="email",
            recipient=record_request.requester_email,
            subject=str(subject) % params,
            body=text,
            language=record_request.language,
            dedupe_key=dedupe_key,
        )


def _timeline(*, record_request, action, actor=None, note="", public=True) -> TimelineEntry:
    entry = TimelineEntry(
        request=record_request,
        action=action,
        status=record_request.status,
        note=note,
        public=public,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    entry.full_clean()
    entry.save()
    return entry


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
        )
    now = now or timezone.now()
    today = local_date(now)
    note = note.strip()
    before = record_request.status
    fields = ["status", "updated_at"]

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

    _timeline(
        record_request=record_request,
        action=action,
        actor=actor,
        note=note,
        public=action not in {Action.RETURN_FOR_WORK},
    )
    audit_record(
        actor=actor,
        action=f"records.recordrequest.{action}",
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
        _notify(record_request=record_request, subject=subject, body=body, note=note, reason=reason)
    return record_request


# --- Submitting ----------------------------------------------------------------------------------


@dataclass
class Upload:
    name: str
    content_type: str
    data: bytes


def _store_document(
    *, record_request: RecordRequest, kind: str, upload: Upload, message: Message | None = None
) -> Document:
    document = Document(
        request=record_request,
        kind=kind,
        message=message,
        original_name=upload.name[:200],
        content_type=upload.content_type[:100],
        size=len(upload.data),
    )
    document.file.save(
        f"{secrets.token_hex(16)}.bin", ContentFile(crypto.encrypt(upload.data)), save=False
    )
    document.save()
    return document


def document_read(*, document: Document) -> bytes:
    """The file's clear bytes."""
    with document.file.open("rb") as handle:
        return crypto.decrypt(handle.read())


@transaction.atomic
def request_submit(
    *,
    kind: str,
    requester_name: str,
    requester_email: str,
    requester_phone: str = "",
    language: str = "en",
    details: dict | None = None,
    description: str = "",
    id_document: Upload | None = None,
    slot_id: int | None = None,
    sent_at: datetime | None = None,
    received_at: datetime | None = None,
    actor: AbstractBaseUser | None = None,
) -> RecordRequest:
    """Take a new request: tracking number, due date, timeline, audit, the requester's e-mail."""
    if kind not in RequestKind.values:
        raise DomainError(_("Choose the type of request."), code="kind_required", field="kind")
    if kind == RequestKind.RECORD_CHECK and id_document is None:
        raise DomainError(
            _("Upload a photo or scan of your ID."), code="id_required", field="id_document"
        )
    received_at = received_at or timezone.now()
    record_request = RecordRequest(
        tracking_number=_new_tracking_number(local_date(received_at)),
        kind=kind,
        requester_name=requester_name.strip(),
        requester_email=requester_email.strip(),
        requester_phone=requester_phone.strip(),
        language=language if language in dict(settings.LANGUAGES) else "en",
        details=details or {},
        description=description.strip(),
        sent_at=sent_at or received_at,
        received_at=received_at,
        due_date=due_date_for(received_at=received_at),
    )
    if kind == RequestKind.FINGERPRINTING:
        if slot_id is None:
            raise DomainError(_("Choose a time."), code="slot_required", field="slot")
        record_request.slot = _slot_take(slot_id=slot_id, now=received_at)
    record_request.full_clean()
    record_request.save()
    if id_document is not None:
        _store_document(
            record_request=record_request, kind=Document.Kind.ID_DOCUMENT, upload=id_document
        )
    _timeline(record_request=record_request, action="submit", actor=actor)
    audit_record(
        actor=actor,
        action="records.recordrequest.submit",
        target=record_request,
        detail={"kind": kind},
        actor_label="requester",
    )
    _notify(
        record_request=record_request,
        subject=gettext_lazy("We received your request %(number)s"),
        body=gettext_lazy(
            "Thank you. The Records Division received your request on %(received)s. "
            "Your tracking number is %(number)s. Under Connecticut law we answer within four "
            "business days, by %(due)s."
        ),
        received=local_date(received_at).strftime("%Y-%m-%d"),
    )
    return record_request


# --- Fees ----------------------------------------------------------------------------------------


def fee_schedule_validate(*, item: FeeScheduleItem) -> None:
    """Copies never above the statutory cap per page (C.G.S. §1-212(a)(1)(A))."""
    if (
        item.is_copy
        and item.unit == FeeScheduleItem.Unit.PER_PAGE
        and item.amount is not None
        and item.amount > COPY_FEE_CAP_PER_PAGE
    ):
        raise DomainError(
            _("Copies may cost at most $0.50 a page (C.G.S. §1-212)."),
            code="above_fee_cap",
            field="amount",
        )


# --- Fingerprinting slots ------------------------------------------------------------------------


def _slot_take(*, slot_id: int, now: datetime) -> FingerprintSlot:
    """Take one place. The slot's row is locked before the count is checked, so two residents
    taking the last place at once cannot both get it (the check constraint backs this up)."""
    slot = FingerprintSlot.objects.select_for_update().filter(pk=slot_id).first()
    if slot is None or slot.starts_at <= now:
        raise DomainError(
            _("That time is no longer offered. Choose another."), code="slot_gone", field="slot"
        )
    if slot.booked >= slot.capacity:
        raise DomainError(
            _("Someone just took the last place at that time. Choose another."),
            code="slot_full",
            field="slot",
        )
    slot.booked += 1
    slot.save(update_fields=["booked"])
    return slot


def _slot_release(*, slot_id: int) -> None:
    slot = FingerprintSlot.objects.select_for_update().get(pk=slot_id)
    slot.booked = max(slot.booked - 1, 0)
    slot.save(update_fields=["booked"])


@transaction.atomic
def appointment_reschedule(
    *, record_request: RecordRequest, slot_id: int, actor: AbstractBaseUser | None = None
) -> RecordRequest:
    """Move a fingerprinting appointment to another time (the old place is given back)."""
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    if record_request.kind != RequestKind.FINGERPRINTING or not record_request.is_open:
        raise DomainError(_("This appointment cannot be changed."), code="not_changeable")
    if record_request.slot_id == slot_id:
        return record_request
    old = record_request.slot_id
    # Lock in id order so two moves in opposite directions cannot deadlock.
    for pk in sorted(p for p in (old, slot_id) if p):
        FingerprintSlot.objects.select_for_update().filter(pk=pk).first()
    new_slot = _slot_take(slot_id=slot_id, now=timezone.now())
    if old:
        _slot_release(slot_id=old)
    record_request.slot = new_slot
    record_request.reminder_sent_for = None
    record_request.save(update_fields=["slot", "reminder_sent_for", "updated_at"])
    when = _local_datetime_text(new_slot.starts_at, record_request.language)
    _timeline(record_request=record_request, action="reschedule", actor=actor, note=when)
    audit_record(
        actor=actor,
        action="records.recordrequest.reschedule",
        target=record_request,
        detail={"from_slot": old, "to_slot": slot_id},
        actor_label="" if actor else "requester",
    )
    _notify(
        record_request=record_request,
        subject=gettext_lazy("Your fingerprinting appointment %(number)s has moved"),
        body=gettext_lazy("Your fingerprinting appointment is now on %(when)s."),
        when=when,
    )
    return record_request


@transaction.atomic
def appointment_cancel(
    *, record_request: RecordRequest, actor: AbstractBaseUser | None = None
) -> RecordRequest:
    """The resident (or a clerk) cancels: the place is given back and the request closed."""
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    if record_request.kind != RequestKind.FINGERPRINTING or not record_request.is_open:
        raise DomainError(_("This appointment cannot be changed."), code="not_changeable")
    if record_request.slot_id:
        _slot_release(slot_id=record_request.slot_id)
    return request_transition(
        record_request=record_request,
        action=Action.CLOSE,
        actor=actor,
        closure_reason=ClosureReason.WITHDRAWN,
        note=_("Appointment cancelled."),
    )


def _local_datetime_text(moment: datetime, language: str) -> str:
    import zoneinfo

    from django.utils.formats import date_format

    zone = zoneinfo.ZoneInfo(department_get().time_zone or settings.TIME_ZONE)
    with translation.override(language):
        return date_format(moment.astimezone(zone), "DATETIME_FORMAT")


# --- Messages ------------------------------------------------------------------------------------


@transaction.atomic
def message_from_requester(
    *, record_request: RecordRequest, body: str, uploads: list[Upload] | None = None
) -> Message:
    """The requester writes to the clerk from the tracking page (with files, if any)."""
    body = body.strip()
    if not body and not uploads:
        raise DomainError(_("Write a message or attach a file."), code="empty", field="body")
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    if not record_request.is_open:
        raise DomainError(
            _("This request is closed. To ask for something else, send a new request."),
            code="closed",
        )
    message = Message(request=record_request, author=Message.Author.REQUESTER, body=body or "-")
    message.full_clean()
    message.save()
    for upload in uploads or []:
        _store_document(
            record_request=record_request,
            kind=Document.Kind.REQUESTER_UPLOAD,
            upload=upload,
            message=message,
        )
    _timeline(record_request=record_request, action="requester_message")
    audit_record(
        actor=None,
        action="records.message.requester",
        target=record_request,
        detail={"files": len(uploads or [])},
        actor_label="requester",
    )
    clerk = record_request.assigned_to
    if clerk is not None and clerk.email:
        notification_enqueue(
            channel="email",
            recipient=clerk.email,
            subject=f"{record_request.tracking_number}: new message from the requester",
            body=f"The requester of {record_request.tracking_number} wrote a message. "
            "Read it in the Records queue.",
            language="en",
        )
    return message


@transaction.atomic
def message_from_clerk(
    *, record_request: RecordRequest, body: str, actor: AbstractBaseUser, internal: bool = False
) -> Message:
    """A clerk writes to the requester (e-mailed, and a written response under §1-206), or
    adds an internal note the requester never sees."""
    body = body.strip()
    if not body:
        raise DomainError(_("Write a message."), code="empty", field="body")
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    message = Message(
        request=record_request,
        author=Message.Author.NOTE if internal else Message.Author.CLERK,
        staff=actor,
        body=body,
    )
    message.full_clean()
    message.save()
    audit_record(
        actor=actor,
        action="records.message.note" if internal else "records.message.clerk",
        target=record_request,
    )
    if not internal:
        _timeline(record_request=record_request, action="clerk_message", actor=actor)
        if record_request.first_response_at is None:
            record_request.first_response_at = timezone.now()
            record_request.save(update_fields=["first_response_at", "updated_at"])
        _notify(
            record_request=record_request,
            subject=gettext_lazy("A message about your request %(number)s"),
            body=gettext_lazy("The Records Division wrote to you:\n\n%(message)s"),
            message=body,
        )
    return message


# --- Looking a request up by tracking number and e-mail ------------------------------------------

LOOKUP_CODE_MINUTES = 15
LOOKUP_CODE_ATTEMPTS = 5


@transaction.atomic
def lookup_code_send(*, tracking_number: str, email: str) -> None:
    """E-mail a one-time code to the requester if the number and address match. Says nothing
    either way, so the form cannot be used to learn who asked for what."""
    record_request = (
        RecordRequest.objects.select_for_update()
        .filter(
            tracking_number=tracking_number.strip().upper(),
            requester_email__iexact=email.strip(),
        )
        .first()
    )
    if record_request is None:
        return
    code = f"{secrets.randbelow(10**6):06d}"
    record_request.lookup_code_hash = make_password(code)
    record_request.lookup_code_expires_at = timezone.now() + timedelta(minutes=LOOKUP_CODE_MINUTES)
    record_request.lookup_code_attempts = 0
    record_request.save(
        update_fields=["lookup_code_hash", "lookup_code_expires_at", "lookup_code_attempts"]
    )
    with translation.override(record_request.language):
        notification_enqueue(
            channel="email",
            recipient=record_request.requester_email,
            subject=_("Your code for request %(number)s")
            % {"number": record_request.tracking_number},
            body=_(
                "Your code is %(code)s. It works once, for %(minutes)d minutes. If you did not "
                "ask for it, you can ignore this message."
            )
            % {"code": code, "minutes": LOOKUP_CODE_MINUTES},
            language=record_request.language,
        )


def lookup_code_check(*, tracking_number: str, code: str) -> RecordRequest:
    """The request, if the code is right; otherwise a DomainError. A wrong code uses up one
    of LOOKUP_CODE_ATTEMPTS tries (committed before refusing), so guessing is pointless."""
    with transaction.atomic():
        record_request = (
            RecordRequest.objects.select_for_update()
            .filter(tracking_number=tracking_number.strip().upper())
            .first()
        )
        valid = (
            record_request is not None
            and record_request.lookup_code_hash
            and record_request.lookup_code_expires_at is not None
            and record_request.lookup_code_expires_at >= timezone.now()
            and record_request.lookup_code_attempts < LOOKUP_CODE_ATTEMPTS
        )
        if valid and check_password(code.strip(), record_request.lookup_code_hash):
            record_request.lookup_code_hash = ""
            record_request.lookup_code_expires_at = None
            record_request.save(update_fields=["lookup_code_hash", "lookup_code_expires_at"])
            return record_request
        if valid:
            record_request.lookup_code_attempts += 1
            record_request.save(update_fields=["lookup_code_attempts"])
    raise DomainError(
        _("That code is not right or has expired. Ask for a new one."),
        code="bad_code",
        field="code",
    )


# --- Reads the resident's page needs that follow rules -------------------------------------------


def fees_total(*, record_request: RecordRequest) -> Decimal:
    return sum((f.amount for f in record_request.fees.all() if not f.waived), Decimal("0.00"))


def fees_settled(*, record_request: RecordRequest) -> bool:
    return record_request.fees_paid_at is not None or fees_total(
        record_request=record_request
    ) == Decimal("0.00")


def documents_released(*, record_request: RecordRequest) -> bool:
    """Released documents are shown once the request is ready or closed and the fees are paid
    or waived."""
    return record_request.status in {Status.READY, Status.CLOSED} and fees_settled(
        record_request=record_request
    )


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
    _timeline(record_request=record_request, action="assign", actor=actor, public=False)
    audit_record(
        actor=actor,
        action="records.recordrequest.assign",
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
    _timeline(record_request=record_request, action="extend", actor=actor, note=reason.strip())
    audit_record(
        actor=actor,
        action="records.recordrequest.extend",
        target=record_request,
        detail={
            "from": before.isoformat(),
            "to": record_request.due_date.isoformat(),
            "business_days": business_days,
            "reason": reason.strip(),
        },
    )
    _notify(
        record_request=record_request,
        subject=gettext_lazy("More time for your request %(number)s"),
        body=gettext_lazy(
            "We need more time to gather the records for request %(number)s: %(reason)s\n"
            "We now expect to answer by %(due)s."
        ),
        reason=reason.strip(),
    )
    return record_request


# --- Fees and payment ----------------------------------------------------------------------------


@transaction.atomic
def fee_add(
    *,
    record_request: RecordRequest,
    item: FeeScheduleItem,
    quantity: int,
    actor,
    waived: bool = False,
    waiver_reason: str = "",
) -> Fee:
    """Charge a line of the fee schedule. The schedule itself is capped (fee_schedule_validate),
    and the cap is checked again here in case the schedule was changed behind admin's back."""
    fee_schedule_validate(item=item)
    if quantity < 1:
        raise DomainError(_("The quantity must be at least 1."), code="bad_quantity")
    if waived and not waiver_reason.strip():
        raise DomainError(
            _("Give the reason for the waiver."), code="waiver_reason", field="waiver_reason"
        )
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    unit_price = item.amount
    amount = unit_price * quantity if item.unit == FeeScheduleItem.Unit.PER_PAGE else unit_price
    fee = Fee(
        request=record_request,
        item=item,
        description=str(item.name),
        description_es=item.name_es,
        quantity=quantity if item.unit == FeeScheduleItem.Unit.PER_PAGE else 1,
        unit_price=unit_price,
        amount=amount.quantize(Decimal("0.01")),
        waived=waived,
        waiver_reason=waiver_reason.strip(),
    )
    fee.full_clean()
    fee.save()
    record_request.fees_paid_at = None  # a new charge reopens the invoice
    record_request.save(update_fields=["fees_paid_at", "updated_at"])
    _timeline(record_request=record_request, action="fee_waived" if waived else "fee", actor=actor)
    audit_record(
        actor=actor,
        action="records.fee.add",
        target=record_request,
        detail={"item": item.pk, "quantity": quantity, "amount": str(fee.amount), "waived": waived},
    )
    return fee


@transaction.atomic
def fee_waive(*, fee: Fee, actor, reason: str) -> Fee:
    if not reason.strip():
        raise DomainError(
            _("Give the reason for the waiver."), code="waiver_reason", field="waiver_reason"
        )
    fee = Fee.objects.select_for_update().select_related("request").get(pk=fee.pk)
    fee.waived = True
    fee.waiver_reason = reason.strip()[:300]
    fee.save(update_fields=["waived", "waiver_reason"])
    _timeline(record_request=fee.request, action="fee_waived", actor=actor)
    audit_record(
        actor=actor,
        action="records.fee.waive",
        target=fee.request,
        detail={"fee": fee.pk, "amount": str(fee.amount), "reason": fee.waiver_reason},
    )
    return fee


class PaymentProvider:
    """Where an online payment provider plugs in: a subclass's `charge` takes the amount due
    and returns the provider's reference, or raises; `payment_online` then records it. No
    provider is wired to the public pages yet: residents pay at the window or by mail."""

    method = "online"

    def charge(self, *, record_request: RecordRequest, amount: Decimal) -> str:
        raise NotImplementedError


@transaction.atomic
def payment_record(
    *, record_request: RecordRequest, method: str, reference: str = "", actor=None
) -> RecordRequest:
    """Mark the invoice paid (at the window, by mail, or by a provider's confirmation)."""
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    total = fees_total(record_request=record_request)
    if total == Decimal("0.00"):
        raise DomainError(_("Nothing is due on this request."), code="nothing_due")
    if record_request.fees_paid_at is not None:
        raise DomainError(_("This invoice is already paid."), code="already_paid")
    record_request.fees_paid_at = timezone.now()
    record_request.payment_method = method[:40]
    record_request.payment_reference = reference.strip()[:120]
    record_request.save(
        update_fields=["fees_paid_at", "payment_method", "payment_reference", "updated_at"]
    )
    _timeline(record_request=record_request, action="paid", actor=actor)
    audit_record(
        actor=actor,
        action="records.payment.record",
        target=record_request,
        detail={"amount": str(total), "method": method, "reference": reference},
        actor_label="" if actor else "payment provider",
    )
    if record_request.status in {Status.READY, Status.CLOSED}:
        _notify(
            record_request=record_request,
            subject=gettext_lazy("Your documents for request %(number)s"),
            body=gettext_lazy(
                "We received your payment. Your documents for request %(number)s are on your "
                "tracking page."
            ),
        )
    return record_request


def payment_online(*, record_request: RecordRequest, provider: PaymentProvider) -> RecordRequest:
    """Charge through a provider, then record the payment. The charge happens outside any
    transaction: if recording fails, the provider's reference is logged for a clerk."""
    amount = fees_total(record_request=record_request)
    reference = provider.charge(record_request=record_request, amount=amount)
    return payment_record(
        record_request=record_request, method=provider.method, reference=reference
    )


@transaction.atomic
def document_release(
    *, record_request: RecordRequest, upload: Upload, actor, pages: int | None = None
) -> Document:
    """A clerk attaches a document for the requester. It shows on the tracking page once the
    request is ready for release and the fees are settled."""
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    if pages is None and upload.content_type == "application/pdf":
        pages = pdf_page_count(upload.data)
    document = _store_document(
        record_request=record_request, kind=Document.Kind.RELEASED, upload=upload
    )
    if pages:
        document.pages = pages
        document.save(update_fields=["pages"])
    _timeline(record_request=record_request, action="release", actor=actor, public=False)
    audit_record(
        actor=actor,
        action="records.document.release",
        target=record_request,
        detail={"document": document.pk, "name": document.original_name},
    )
    return document


def pdf_page_count(data: bytes) -> int | None:
    import io

    from pypdf import PdfReader

    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # noqa: BLE001 - an unreadable PDF simply has no page count
        return None


@transaction.atomic
def slots_repeat(*, slots: list[FingerprintSlot], weeks: int, actor) -> int:
    """Copy fingerprinting times to the same weekday and hour for the next `weeks` weeks
    (times that already exist are left alone). Returns how many were made."""
    if not 1 <= weeks <= 12:
        raise DomainError(_("Repeat for 1 to 12 weeks."), code="bad_weeks")
    made = 0
    for slot in slots:
        for week in range(1, weeks + 1):
            starts = slot.starts_at + timedelta(weeks=week)
            _slot, created = FingerprintSlot.objects.get_or_create(
                starts_at=starts,
                defaults={
                    "ends_at": slot.ends_at + timedelta(weeks=week),
                    "capacity": slot.capacity,
                },
            )
            made += int(created)
    audit_record(
        actor=actor,
        action="records.fingerprintslot.repeat",
        detail={"slots": [s.pk for s in slots], "weeks": weeks, "made": made},
    )
    return made
