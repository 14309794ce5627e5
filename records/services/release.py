"""The release pipeline: responsive records → redactions → a second person's approval → one
release packet (PDF) built by a Celery job → the requester is told. And record-check letters.

Rules:
- Every redaction cites the statutory exemption it relies on (C.G.S. §1-210(b)); the packet
  ends with a redaction log listing each one, so the requester knows what was withheld and why
  (§1-210 requires a denial, in part or whole, to say so).
- Redaction is done in the pixels (records/redact.py): a page with an area to black out, scanned
  or PDF, is rasterized and the area painted black before it goes into the packet, so none of
  the page's text, images, annotations or metadata survives; a withheld page is replaced by a
  notice page. Pages without redactions are copied as they are, without the source file's
  document metadata. Clerks mark areas on a preview, by coordinates, or by a search term that
  finds every occurrence of a name or number in a PDF's text.
- Changing what will be released (a record, a redaction) after approval voids the approval: the
  packet waits for a second person again.
- Four eyes: the person who approves a packet is not the person who prepared it (department
  policy for releases). The same holds for every other release: a document put forward to
  release as it is (records/services/documents.py `document_approve`) and a record-check letter
  (records/services/letters.py: prepared by one clerk, issued by another).
- The build is idempotent (a packet that is not queued or building is left alone), reports its
  progress, and a packet lost by the broker is queued again by the beat sweep.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import handoff
from portal.errors import DomainError
from portal.selectors import audit_for_target
from portal.services.audit import audit_record
from records import pdf, redact, selectors, tasks
from records.models import Document, RecordRequest, Redaction, ReleasePacket, RequestKind
from records.services.common import notify_requester
from records.services.documents import Upload, document_read, pdf_page_count, store_document
from records.services.personnel import personnel_release_check

logger = logging.getLogger(__name__)

IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/heic"}
REQUEUE_AFTER = timedelta(minutes=10)

State = ReleasePacket.State


@dataclass(frozen=True)
class PacketStep:
    sources: frozenset  # states of the request's latest packet; None: no packet yet
    label: object


# What a clerk may do next with a request's latest packet, declared once. The build itself
# moves a queued packet to building, then ready or failed (packet_build).
PACKET_STEPS: dict[str, PacketStep] = {
    "prepare": PacketStep(frozenset({None, State.READY}), gettext_lazy("Prepare a release packet")),
    "approve": PacketStep(
        frozenset({State.PREPARED}), gettext_lazy("Approve the packet (a second person)")
    ),
    "generate": PacketStep(
        frozenset({State.APPROVED, State.FAILED}), gettext_lazy("Generate the release packet")
    ),
}
# The other releases, each by two people too: a record-check letter is prepared by one clerk
# and issued by another; a document put forward to release as it is is approved by another.
LETTER_STEP = "letter"
LETTER_LABEL = gettext_lazy("Prepare the record-check letter")
LETTER_ISSUE_STEP = "letter_issue"
LETTER_ISSUE_LABEL = gettext_lazy("Issue the record-check letter (a second person)")
DOCUMENT_APPROVE_STEP = "document_approve"
DOCUMENT_APPROVE_LABEL = gettext_lazy("Approve the document to release as it is (a second person)")
OTHER_STEPS = frozenset({LETTER_STEP, LETTER_ISSUE_STEP, DOCUMENT_APPROVE_STEP})

# Who prepared a packet's records, for the four-eyes rule. The log of packets prepared before
# the audit actions took their past-participle names holds the older names.
LEGACY_PREPARING_ACTIONS = ["records.document.responsive", "records.redaction.add"]
_PREPARING_ACTIONS = [
    "records.responsive_record.uploaded",
    "records.redaction.added",
    *LEGACY_PREPARING_ACTIONS,
]


def packet_steps(*, record_request: RecordRequest) -> list[tuple[str, object]]:
    """The steps a clerk may take now, with their labels (the request's page shows these)."""
    packet = record_request.packets.first()
    state = packet.state if packet is not None else None
    steps = [(name, step.label) for name, step in PACKET_STEPS.items() if state in step.sources]
    if selectors.documents_awaiting_approval(record_request=record_request):
        steps.append((DOCUMENT_APPROVE_STEP, DOCUMENT_APPROVE_LABEL))
    if record_request.kind == RequestKind.RECORD_CHECK:
        if selectors.letter_awaiting_issue(record_request=record_request) is None:
            steps.append((LETTER_STEP, LETTER_LABEL))
        else:
            steps.append((LETTER_ISSUE_STEP, LETTER_ISSUE_LABEL))
    return steps


def _step_allowed(step: str, packet: ReleasePacket | None) -> bool:
    return (packet.state if packet is not None else None) in PACKET_STEPS[step].sources


# --- Preparing -----------------------------------------------------------------------------------


@transaction.atomic
def responsive_upload(*, record_request: RecordRequest, upload: Upload, actor) -> Document:
    """A clerk adds a record found for the request (kept internal until released)."""
    if upload.content_type == "application/pdf":
        pages = pdf_page_count(upload.data)
        if not pages:
            raise DomainError(_("This PDF cannot be read."), code="bad_pdf")
    elif upload.content_type in IMAGE_TYPES:
        pages = 1
    else:
        raise DomainError(_("Upload a PDF or an image."), code="file_type")
    document = store_document(
        record_request=record_request, kind=Document.Kind.RESPONSIVE, upload=upload
    )
    document.pages = pages
    document.save(update_fields=["pages"])
    _void_approval(record_request=record_request, actor=actor)
    audit_record(
        actor=actor,
        action="records.responsive_record.uploaded",
        target=record_request,
        detail={"document": document.pk, "name": document.original_name, "pages": pages},
    )
    return document


@transaction.atomic
def redaction_add(
    *,
    document: Document,
    page: int,
    exemption: str,
    actor,
    whole_page: bool = False,
    region: tuple[Decimal, Decimal, Decimal, Decimal] | None = None,
    note: str = "",
) -> Redaction:
    if document.kind != Document.Kind.RESPONSIVE:
        raise DomainError(_("Only responsive records are redacted."), code="not_responsive")
    if not exemption.strip():
        raise DomainError(
            _("Cite the exemption for this redaction."),
            code="exemption_required",
            field="exemption",
        )
    if not 1 <= page <= (document.pages or 1):
        raise DomainError(_("That page does not exist."), code="bad_page", field="page")
    if not whole_page:
        if region is None or any(v is None for v in region):
            raise DomainError(
                _("Give the area to black out, or withhold the whole page."),
                code="region_required",
            )
        left, top, width, height = (Decimal(v) for v in region)
        if (
            min(left, top) < 0
            or min(width, height) <= 0
            or left + width > 100
            or (top + height > 100)
        ):
            raise DomainError(
                _("The area must lie within the page (percentages from 0 to 100)."),
                code="bad_region",
            )
    else:
        left = top = width = height = None
    redaction = Redaction(
        request_id=document.request_id,
        document=document,
        page=page,
        whole_page=whole_page,
        left=left,
        top=top,
        width=width,
        height=height,
        exemption=exemption.strip(),
        note=note.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    redaction.full_clean()
    redaction.save()
    _void_approval(record_request=document.request, actor=actor)
    audit_record(
        actor=actor,
        action="records.redaction.added",
        target=document.request,
        detail={
            "redaction": redaction.pk,
            "document": document.pk,
            "page": page,
            "whole_page": whole_page,
            "region": [str(v) for v in (left, top, width, height)] if not whole_page else None,
            "exemption": redaction.exemption,
        },
    )
    return redaction


@transaction.atomic
def redaction_for_term(
    *, document: Document, term: str, exemption: str, actor, note: str = ""
) -> list[Redaction]:
    """Black out every occurrence of a word or number in a PDF's text, each occurrence one
    redaction citing the exemption. The term itself is not recorded anywhere the requester
    sees (it is often the very name withheld)."""
    if document.kind != Document.Kind.RESPONSIVE:
        raise DomainError(_("Only responsive records are redacted."), code="not_responsive")
    if document.content_type != "application/pdf":
        raise DomainError(
            _("A scanned image has no text to search: mark the area on the page instead."),
            code="no_text",
            field="term",
        )
    term = term.strip()
    if len(term) < 2:
        raise DomainError(
            _("Give a word or number of at least 2 characters."), code="term_short", field="term"
        )
    if not exemption.strip():
        raise DomainError(
            _("Cite the exemption for this redaction."),
            code="exemption_required",
            field="exemption",
        )
    hits = redact.find_term(document_read(document=document), term)
    if not hits:
        raise DomainError(
            _("That text was not found in this document's text layer."),
            code="term_not_found",
            field="term",
        )
    return [
        redaction_add(
            document=document,
            page=hit.page,
            exemption=exemption,
            actor=actor,
            region=(hit.box.left, hit.box.top, hit.box.width, hit.box.height),
            note=note,
        )
        for hit in hits
    ]


@transaction.atomic
def redaction_remove(*, redaction: Redaction, actor, reason: str = "") -> None:
    """Take back a redaction marked in error (before the packet is built again)."""
    redaction = Redaction.objects.select_for_update().select_related("request").get(pk=redaction.pk)
    record_request = redaction.request
    detail = {
        "redaction": redaction.pk,
        "document": redaction.document_id,
        "page": redaction.page,
        "exemption": redaction.exemption,
        "reason": reason.strip(),
    }
    redaction.delete()
    _void_approval(record_request=record_request, actor=actor)
    audit_record(
        actor=actor, action="records.redaction.removed", target=record_request, detail=detail
    )


def _void_approval(*, record_request: RecordRequest, actor) -> None:
    """What was approved changed: the latest packet needs a second person's approval again."""
    packet = (
        ReleasePacket.objects.select_for_update()
        .filter(request=record_request, state=ReleasePacket.State.APPROVED)
        .order_by("-created_at", "-id")
        .first()
    )
    if packet is None:
        return
    packet.state = ReleasePacket.State.PREPARED
    packet.approved_by = None
    packet.approved_at = None
    packet.save(update_fields=["state", "approved_by", "approved_at"])
    audit_record(
        actor=actor,
        action="records.packet.approval_voided",
        target=record_request,
        detail={"packet": packet.pk},
    )


def _preparers(record_request: RecordRequest) -> set[int]:
    """Everyone who uploaded or redacted the records in this packet."""
    return set(
        audit_for_target(target=record_request)
        .filter(action__in=_PREPARING_ACTIONS)
        .exclude(actor__isnull=True)
        .values_list("actor_id", flat=True)
    )


@transaction.atomic
def packet_prepare(*, record_request: RecordRequest, actor) -> ReleasePacket:
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    if not record_request.documents.filter(kind=Document.Kind.RESPONSIVE).exists():
        raise DomainError(_("Upload the responsive records first."), code="nothing_to_release")
    if not _step_allowed("prepare", record_request.packets.first()):
        raise DomainError(
            _("The latest packet is not released yet: approve or generate it first."),
            code="packet_in_progress",
        )
    packet = ReleasePacket.objects.create(request=record_request, prepared_by=actor)
    audit_record(actor=actor, action="records.packet.prepared", target=record_request)
    return packet


@transaction.atomic
def packet_approve(*, packet: ReleasePacket, actor) -> ReleasePacket:
    """A second person approves what will be released."""
    packet = ReleasePacket.objects.select_for_update().get(pk=packet.pk)
    if not _step_allowed("approve", packet):
        raise DomainError(_("This packet is not waiting for approval."), code="not_prepared")
    if actor.pk == packet.prepared_by_id or actor.pk in _preparers(packet.request):
        raise DomainError(
            _("Someone who did not prepare the records must approve them."),
            code="four_eyes",
        )
    packet.state = ReleasePacket.State.APPROVED
    packet.approved_by = actor
    packet.approved_at = timezone.now()
    packet.save(update_fields=["state", "approved_by", "approved_at"])
    audit_record(
        actor=actor,
        action="records.packet.approved",
        target=packet.request,
        detail={"packet": packet.pk},
    )
    return packet


@transaction.atomic
def packet_generate(*, packet: ReleasePacket, actor) -> ReleasePacket:
    """Queue the build. The task is handed to Celery after commit; if that is lost, the beat
    sweep queues it again."""
    packet = ReleasePacket.objects.select_for_update().get(pk=packet.pk)
    if not _step_allowed("generate", packet):
        raise DomainError(_("Only an approved packet can be generated."), code="not_approved")
    personnel_release_check(record_request=packet.request)  # C.G.S. §1-214(c)
    packet.state = ReleasePacket.State.QUEUED
    packet.progress = 0
    packet.error = ""
    packet.queued_at = timezone.now()
    packet.save(update_fields=["state", "progress", "error", "queued_at"])
    audit_record(
        actor=actor,
        action="records.packet.queued",
        target=packet.request,
        detail={"packet": packet.pk},
    )
    handoff.after_commit(tasks.packet_build, packet.pk)
    return packet


def packets_requeue(*, now: datetime | None = None) -> int:
    """Queue again packets whose build never started or died half-way."""
    now = now or timezone.now()
    stale = ReleasePacket.objects.filter(
        state__in=[ReleasePacket.State.QUEUED, ReleasePacket.State.BUILDING],
        queued_at__lt=now - REQUEUE_AFTER,
    ).values_list("pk", flat=True)[:100]
    count = 0
    for pk in stale:
        ReleasePacket.objects.filter(pk=pk).update(queued_at=now, state=ReleasePacket.State.QUEUED)
        handoff.dispatch(tasks.packet_build, pk)
        count += 1
    return count


# --- Building ------------------------------------------------------------------------------------


def _progress(packet_id: int, percent: int) -> None:
    ReleasePacket.objects.filter(pk=packet_id).update(progress=min(max(percent, 0), 100))


def packet_build(*, packet_id: int) -> bool:
    """Build the packet's PDF. Safe to call any number of times."""
    with transaction.atomic():
        packet = (
            ReleasePacket.objects.select_for_update(skip_locked=True)
            .filter(
                pk=packet_id,
                state__in=[ReleasePacket.State.QUEUED, ReleasePacket.State.BUILDING],
            )
            .first()
        )
        if packet is None:
            return False  # built already, or another worker holds it
        packet.state = ReleasePacket.State.BUILDING
        packet.save(update_fields=["state"])
    try:
        data, pages = pdf.packet_pdf(packet, progress=lambda percent: _progress(packet_id, percent))
    except Exception as exc:
        logger.exception("Release packet %s failed", packet_id)
        ReleasePacket.objects.filter(pk=packet_id).update(
            state=ReleasePacket.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        return False
    try:
        _finish(packet_id, data, pages)
    except Exception as exc:
        logger.exception("Release packet %s could not be stored", packet_id)
        ReleasePacket.objects.filter(pk=packet_id).update(
            state=ReleasePacket.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        return False
    return True


@transaction.atomic
def _finish(packet_id: int, data: bytes, pages: int) -> None:
    """Store the built PDF as the released document and tell the requester, in one
    transaction."""
    packet = ReleasePacket.objects.select_for_update().get(pk=packet_id)
    if packet.state != ReleasePacket.State.BUILDING:
        return
    record_request = packet.request
    document = store_document(
        record_request=record_request,
        kind=Document.Kind.RELEASED,
        upload=Upload(
            name=f"{record_request.tracking_number}-release.pdf",
            content_type="application/pdf",
            data=data,
        ),
    )
    # The packet was approved by a second person before it was queued: what it releases is.
    document.pages = pages
    document.released_by = packet.prepared_by
    document.approved_by = packet.approved_by
    document.approved_at = packet.approved_at or timezone.now()
    document.save(update_fields=["pages", "released_by", "approved_by", "approved_at"])
    packet.state = ReleasePacket.State.READY
    packet.progress = 100
    packet.pages = pages
    packet.document = document
    packet.finished_at = timezone.now()
    packet.save(update_fields=["state", "progress", "pages", "document", "finished_at"])
    audit_record(
        actor=None,
        action="records.packet.built",
        target=record_request,
        detail={"packet": packet.pk, "pages": pages},
        actor_label="release packet job",
    )
    notify_requester(
        record_request=record_request,
        subject=gettext_lazy("Your records for request %(number)s"),
        body=gettext_lazy(
            "Your records for request %(number)s are ready: one PDF of %(pages)s pages. "
            "Open your tracking page to see any fees due and to download it."
        ),
        dedupe_key=f"records:packet-ready:{packet.pk}",
        pages=pages,
    )
