"""Reads for the records pages and the back office. Each returns what a page needs in a
constant number of queries; none writes."""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import F, Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format

from portal.localtime import local_today, to_local
from records.businessdays import business_days_between
from records.models import (
    Document,
    EmployeeNotice,
    FingerprintSlot,
    Message,
    Payment,
    RecordCheckLetter,
    RecordRequest,
    Status,
    TimelineEntry,
)


def slot_list_open(*, now: datetime | None = None, limit: int = 40) -> list[FingerprintSlot]:
    """Times with a place left, soonest first, each with a `label` in the department's zone."""
    now = now or timezone.now()
    slots = list(
        FingerprintSlot.objects.filter(starts_at__gt=now, booked__lt=F("capacity")).order_by(
            "starts_at"
        )[:limit]
    )
    for slot in slots:
        slot.label = date_format(to_local(slot.starts_at), "DATETIME_FORMAT")
    return slots


def request_for_requester(*, public_id: str) -> RecordRequest:
    """A request as its requester sees it: public timeline, messages (no internal notes), files
    they may see, fees. 404 for anything else."""
    timeline = Prefetch(
        "timeline", queryset=TimelineEntry.objects.filter(public=True).order_by("at", "id")
    )
    messages = Prefetch(
        "messages",
        queryset=Message.objects.exclude(author=Message.Author.NOTE).prefetch_related(
            Prefetch(
                "documents",
                queryset=Document.objects.filter(kind=Document.Kind.REQUESTER_UPLOAD),
            )
        ),
    )
    released = Prefetch(
        "documents",
        queryset=Document.objects.filter(
            kind=Document.Kind.RELEASED, purged_at__isnull=True, approved_at__isnull=False
        ),
        to_attr="released_documents",
    )
    try:
        return (
            RecordRequest.objects.select_related("slot")
            .prefetch_related(timeline, messages, released, "fees")
            .get(public_id=public_id)
        )
    except (RecordRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def document_released_get(*, document_id: int, public_id: str) -> Document:
    """A released document of the request with that public id, approved by a second clerk
    (404 otherwise)."""
    try:
        document = (
            Document.objects.select_related("request")
            .filter(
                pk=document_id,
                request__public_id=public_id,
                kind=Document.Kind.RELEASED,
                purged_at__isnull=True,
                approved_at__isnull=False,  # a second clerk approved it
            )
            .first()
        )
    except (ValueError, TypeError) as exc:
        raise Http404 from exc
    if document is None:
        raise Http404
    return document


# --- Deadlines -----------------------------------------------------------------------------------


def business_days_left(*, record_request: RecordRequest, today: date | None = None) -> int:
    """Business days from today to the due date; negative when overdue. While paused, the
    days frozen at the pause."""
    if record_request.is_paused and record_request.business_days_left is not None:
        return record_request.business_days_left
    today = today or local_today()
    return business_days_between(today, record_request.due_date)


def business_days_since_receipt(*, record_request: RecordRequest) -> int:
    """Business days the request has been with us (until it closed, if it has)."""
    end = record_request.closed_at or timezone.now()
    return max(
        business_days_between(to_local(record_request.received_at).date(), to_local(end).date()),
        0,
    )


# --- Fees and what the requester may download ----------------------------------------------------


def fees_total(*, record_request: RecordRequest) -> Decimal:
    return sum((f.amount for f in record_request.fees.all() if not f.waived), Decimal("0.00"))


def online_paid(*, record_request: RecordRequest) -> Decimal:
    """What was paid online and not refunded (records/services/payments.py)."""
    rows = Payment.objects.filter(request=record_request, paid_at__isnull=False)
    return sum((p.amount_received - p.amount_refunded for p in rows), Decimal("0.00"))


def payment_list(*, record_request: RecordRequest) -> list[Payment]:
    return list(Payment.objects.filter(request=record_request).order_by("created_at", "id"))


def fees_settled(*, record_request: RecordRequest) -> bool:
    return record_request.fees_paid_at is not None or fees_total(
        record_request=record_request
    ) == Decimal("0.00")


def documents_released(*, record_request: RecordRequest) -> bool:
    """Released documents are shown once the request is ready or closed, the fees are paid
    or waived, and no employee's objection window or objection holds them (C.G.S. §1-214)."""
    return (
        record_request.status in {Status.READY, Status.CLOSED}
        and fees_settled(record_request=record_request)
        and personnel_hold(record_request=record_request) is None
    )


# --- Personnel records (C.G.S. §1-214) -----------------------------------------------------------


def personnel_hold(*, record_request: RecordRequest, today: date | None = None) -> str | None:
    """Why the records may not be released yet under §1-214: "window" while an employee may
    still object, "objection" while an objection is unresolved; None when nothing holds them."""
    today = today or local_today()
    notices = EmployeeNotice.objects.filter(request=record_request, resolved_at__isnull=True)
    if notices.filter(objected_at__isnull=False).exists():
        return "objection"
    if notices.filter(objected_at__isnull=True, objection_deadline__gte=today).exists():
        return "window"
    return None


# --- Record-check letters ------------------------------------------------------------------------


def letter_verify(*, code: str) -> RecordCheckLetter | None:
    """The issued letter with that code, unless withdrawn (spaces, case and dashes forgiven)."""
    normalized = code.strip().upper().replace(" ", "")
    if len(normalized) == 12 and "-" not in normalized:
        normalized = "-".join(normalized[i : i + 4] for i in range(0, 12, 4))
    return (
        RecordCheckLetter.objects.filter(
            code=normalized, issued_at__isnull=False, revoked_at__isnull=True
        )
        .select_related("request")
        .first()
    )


def documents_awaiting_approval(*, record_request: RecordRequest) -> list[Document]:
    """Documents put forward for release as they are, waiting for a second clerk."""
    return list(
        record_request.documents.filter(
            kind=Document.Kind.RELEASED, approved_at__isnull=True, purged_at__isnull=True
        ).select_related("released_by")
    )


def letter_awaiting_issue(*, record_request: RecordRequest) -> RecordCheckLetter | None:
    """The record-check letter prepared and waiting for a second clerk to issue it."""
    return (
        record_request.letters.filter(issued_at__isnull=True, revoked_at__isnull=True)
        .select_related("prepared_by")
        .first()
    )
