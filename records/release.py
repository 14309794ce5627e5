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
  policy for releases).
- The build is idempotent (a packet that is not queued or building is left alone), reports its
  progress, and a packet lost by the broker is queued again by the beat sweep.
"""

import io
import logging
import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import letter
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from portal.errors import DomainError
from portal.selectors import department_get
from portal.services.audit import audit_record
from records import redact, services
from records.models import (
    Document,
    RecordCheckLetter,
    RecordRequest,
    Redaction,
    ReleasePacket,
    RequestKind,
)

logger = logging.getLogger(__name__)

IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/heic"}
REQUEUE_AFTER = timedelta(minutes=10)
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


# --- Preparing -----------------------------------------------------------------------------------


@transaction.atomic
def responsive_upload(*, record_request: RecordRequest, upload: services.Upload, actor) -> Document:
    """A clerk adds a record found for the request (kept internal until released)."""
    if upload.content_type == "application/pdf":
        pages = services.pdf_page_count(upload.data)
        if not pages:
            raise DomainError(_("This PDF cannot be read."), code="bad_pdf")
    elif upload.content_type in IMAGE_TYPES:
        pages = 1
    else:
        raise DomainError(_("Upload a PDF or an image."), code="file_type")
    document = services._store_document(
        record_request=record_request, kind=Document.Kind.RESPONSIVE, upload=upload
    )
    document.pages = pages
    document.save(update_fields=["pages"])
    _void_approval(record_request=record_request, actor=actor)
    audit_record(
        actor=actor,
        action="records.document.responsive",
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
        action="records.redaction.add",
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
    hits = redact.find_term(services.document_read(document=document), term)
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
        actor=actor, action="records.redaction.remove", target=record_request, detail=detail
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
        action="records.packet.approval_void",
        target=record_request,
        detail={"packet": packet.pk},
    )


def _preparers(record_request: RecordRequest) -> set[int]:
    """Everyone who uploaded or redacted the records in this packet."""
    from portal.selectors import audit_for_target

    ids = set(
        audit_for_target(target=record_request)
        .filter(action__in=["records.document.responsive", "records.redaction.add"])
        .exclude(actor__isnull=True)
        .values_list("actor_id", flat=True)
    )
    return ids


@transaction.atomic
def packet_prepare(*, record_request: RecordRequest, actor) -> ReleasePacket:
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    if not record_request.documents.filter(kind=Document.Kind.RESPONSIVE).exists():
        raise DomainError(_("Upload the responsive records first."), code="nothing_to_release")
    packet = ReleasePacket.objects.create(request=record_request, prepared_by=actor)
    audit_record(actor=actor, action="records.packet.prepare", target=record_request)
    return packet


@transaction.atomic
def packet_approve(*, packet: ReleasePacket, actor) -> ReleasePacket:
    """A second person approves what will be released."""
    packet = ReleasePacket.objects.select_for_update().get(pk=packet.pk)
    if packet.state != ReleasePacket.State.PREPARED:
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
        action="records.packet.approve",
        target=packet.request,
        detail={"packet": packet.pk},
    )
    return packet


@transaction.atomic
def packet_generate(*, packet: ReleasePacket, actor) -> ReleasePacket:
    """Queue the build. The task is handed to Celery after commit; if that is lost, the beat
    sweep queues it again."""
    packet = ReleasePacket.objects.select_for_update().get(pk=packet.pk)
    if packet.state not in {ReleasePacket.State.APPROVED, ReleasePacket.State.FAILED}:
        raise DomainError(_("Only an approved packet can be generated."), code="not_approved")
    packet.state = ReleasePacket.State.QUEUED
    packet.progress = 0
    packet.error = ""
    packet.queued_at = timezone.now()
    packet.save(update_fields=["state", "progress", "error", "queued_at"])
    audit_record(
        actor=actor,
        action="records.packet.generate",
        target=packet.request,
        detail={"packet": packet.pk},
    )
    transaction.on_commit(lambda: _dispatch(packet.pk))
    return packet


def _dispatch(packet_id: int) -> None:
    from records.tasks import packet_build

    try:
        packet_build.delay(packet_id)
    except Exception:  # noqa: BLE001 - the sweep queues it again
        logger.warning("Broker unreachable; packet %s left for the sweep", packet_id)


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
        _dispatch(pk)
        count += 1
    return count


# --- Building ------------------------------------------------------------------------------------


def _progress(packet_id: int, percent: int) -> None:
    ReleasePacket.objects.filter(pk=packet_id).update(progress=min(max(percent, 0), 100))


def _letterhead(pdf: canvas.Canvas, department) -> float:
    """Draw the department's letterhead; return the y where the body starts."""
    width, height = letter
    y = height - 0.9 * inch
    if department.logo:
        try:
            with department.logo.open("rb") as handle:
                pdf.drawImage(
                    ImageReader(io.BytesIO(handle.read())),
                    inch,
                    y - 0.35 * inch,
                    0.8 * inch,
                    0.8 * inch,
                    preserveAspectRatio=True,
                    mask="auto",
                )
        except (OSError, ValueError):
            logger.warning("Department logo could not be drawn on the letterhead")
    x = inch + (0.95 * inch if department.logo else 0)
    pdf.setFont("Helvetica-Bold", 15)
    pdf.drawString(x, y, str(department.name))
    pdf.setFont("Helvetica", 9.5)
    lines = [department.address_line]
    contact = " · ".join(p for p in [department.phone_non_emergency, department.email] if p)
    lines.append(contact)
    for i, line in enumerate(p for p in lines if p):
        pdf.drawString(x, y - 14 - 12 * i, line)
    pdf.setLineWidth(1.2)
    pdf.line(inch, y - 44, width - inch, y - 44)
    return y - 72


def _wrap(pdf: canvas.Canvas, text: str, x: float, y: float, width: float, size=10.5) -> float:
    from reportlab.lib.utils import simpleSplit

    pdf.setFont("Helvetica", size)
    for paragraph in text.split("\n"):
        for line in simpleSplit(paragraph, "Helvetica", size, width) or [""]:
            if y < inch:
                pdf.showPage()
                pdf.setFont("Helvetica", size)
                y = letter[1] - inch
            pdf.drawString(x, y, line)
            y -= size * 1.45
    return y


def _cover_letter(record_request, documents, total_pages, redactions, language) -> bytes:
    department = department_get()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    pdf.setTitle(f"{record_request.tracking_number}")
    width = letter[0] - 2 * inch
    with translation.override(language):
        y = _letterhead(pdf, department)
        today = date_format(services.local_date(timezone.now()), "DATE_FORMAT")
        total = services.fees_total(record_request=record_request)
        settled = services.fees_settled(record_request=record_request)
        body = [
            today,
            "",
            record_request.requester_name,
            record_request.requester_email,
            "",
            _("Re: your request %(number)s (%(kind)s), received %(received)s")
            % {
                "number": record_request.tracking_number,
                "kind": record_request.get_kind_display(),
                "received": date_format(
                    services.local_date(record_request.received_at), "DATE_FORMAT"
                ),
            },
            "",
            _("Dear %(name)s,") % {"name": record_request.requester_name},
            "",
            _(
                "Enclosed are the records we release in answer to your request. This packet has "
                "%(pages)d pages, this letter included."
            )
            % {"pages": total_pages},
        ]
        body.append("")
        body.append(_("Records enclosed:"))
        for document in documents:
            body.append(f"  - {document.original_name} ({document.pages or 1})")
        body.append("")
        if redactions:
            body.append(
                _(
                    "Some information was withheld under the Freedom of Information Act. Each "
                    "redaction, with the exemption that allows it, is listed in the redaction "
                    "log at the end of this packet. You may appeal to the Freedom of "
                    "Information Commission within 30 days (C.G.S. §1-206(b))."
                )
            )
        else:
            body.append(_("Nothing was withheld from these records."))
        body.append("")
        if total:
            body.append(
                (_("Fees: $%(total)s, paid or waived.") if settled else _("Fees due: $%(total)s."))
                % {"total": total}
            )
        else:
            body.append(_("There is no fee for these records."))
        body += ["", _("Records Division"), str(department.name)]
    _wrap(pdf, "\n".join(body), inch, y, width)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _notice_page(text: str) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawCentredString(letter[0] / 2, letter[1] / 2 + 20, "—")
    _wrap(pdf, text, 1.5 * inch, letter[1] / 2, letter[0] - 3 * inch, size=12)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _percent(value: Decimal) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _redaction_log(record_request, redactions, language) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    with translation.override(language):
        pdf.setFont("Helvetica-Bold", 14)
        pdf.drawString(inch, letter[1] - inch, _("Redaction log"))
        lines = [
            _("Request %(number)s") % {"number": record_request.tracking_number},
            "",
        ]
        for n, r in enumerate(redactions, 1):
            what = (
                _("whole page withheld")
                if r.whole_page
                else _(
                    "area blacked out (%(width)s%% wide, %(height)s%% high, at %(left)s%% from "
                    "the left and %(top)s%% from the top)"
                )
                % {
                    "left": _percent(r.left),
                    "top": _percent(r.top),
                    "width": _percent(r.width),
                    "height": _percent(r.height),
                }
            )
            lines.append(
                f"{n}. {r.document.original_name}, "
                + _("page %(page)d") % {"page": r.page}
                + f": {what}. {r.exemption}"
                + (f" — {r.note}" if r.note else "")
            )
    _wrap(pdf, "\n".join(lines), inch, letter[1] - 1.4 * inch, letter[0] - 2 * inch)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


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
        data, pages = _assemble(packet)
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
    document = services._store_document(
        record_request=record_request,
        kind=Document.Kind.RELEASED,
        upload=services.Upload(
            name=f"{record_request.tracking_number}-release.pdf",
            content_type="application/pdf",
            data=data,
        ),
    )
    document.pages = pages
    document.save(update_fields=["pages"])
    packet.state = ReleasePacket.State.READY
    packet.progress = 100
    packet.pages = pages
    packet.document = document
    packet.finished_at = timezone.now()
    packet.save(update_fields=["state", "progress", "pages", "document", "finished_at"])
    audit_record(
        actor=None,
        action="records.packet.ready",
        target=record_request,
        detail={"packet": packet.pk, "pages": pages},
        actor_label="release packet job",
    )
    services._notify(
        record_request=record_request,
        subject=gettext_lazy("Your records for request %(number)s"),
        body=gettext_lazy(
            "Your records for request %(number)s are ready: one PDF of %(pages)s pages. "
            "Open your tracking page to see any fees due and to download it."
        ),
        dedupe_key=f"records:packet-ready:{packet.pk}",
        pages=pages,
    )


def _assemble(packet: ReleasePacket) -> tuple[bytes, int]:
    record_request = packet.request
    language = record_request.language
    documents = list(
        record_request.documents.filter(kind=Document.Kind.RESPONSIVE, purged_at__isnull=True)
    )
    redactions = list(Redaction.objects.filter(request=record_request).select_related("document"))
    body = PdfWriter()
    steps = len(documents) + 2
    for index, document in enumerate(documents, 1):
        data = services.document_read(document=document)
        own = [r for r in redactions if r.document_id == document.pk]
        withheld = {r.page: r for r in own if r.whole_page}
        with translation.override(language):
            notice = _("Page withheld under %(exemption)s. See the redaction log.")
        boxes: dict[int, list[redact.Box]] = {}
        for r in own:
            if not r.whole_page:
                boxes.setdefault(r.page, []).append(redact.Box(r.left, r.top, r.width, r.height))
        if document.content_type == "application/pdf":
            reader = PdfReader(io.BytesIO(data))
            for number, page in enumerate(reader.pages, 1):
                if number in withheld:
                    body.append(
                        PdfReader(
                            io.BytesIO(
                                _notice_page(notice % {"exemption": withheld[number].exemption})
                            )
                        )
                    )
                elif number in boxes:
                    body.append(
                        PdfReader(io.BytesIO(redact.redacted_pdf_page(data, number, boxes[number])))
                    )
                else:
                    added = body.add_page(page)
                    for key in ("/Metadata", "/PieceInfo"):
                        if key in added:
                            del added[key]
        elif 1 in withheld:
            body.append(
                PdfReader(io.BytesIO(_notice_page(notice % {"exemption": withheld[1].exemption})))
            )
        else:
            image = redact.black_out(redact.render_image(data), boxes.get(1, []))
            body.append(PdfReader(io.BytesIO(redact.image_page_pdf(image))))
        _progress(packet.pk, int(80 * index / steps))
    if redactions:
        body.append(PdfReader(io.BytesIO(_redaction_log(record_request, redactions, language))))
    body_pages = len(body.pages)
    cover_pages = 1
    while True:
        cover = _cover_letter(
            record_request, documents, body_pages + cover_pages, redactions, language
        )
        actual = len(PdfReader(io.BytesIO(cover)).pages)
        if actual == cover_pages:
            break
        cover_pages = actual
    _progress(packet.pk, 90)
    out = PdfWriter()
    out.append(PdfReader(io.BytesIO(cover)))
    for page in body.pages:
        out.add_page(page)
    out.add_metadata({"/Title": f"{record_request.tracking_number}", "/Producer": "portal"})
    buffer = io.BytesIO()
    out.write(buffer)
    return buffer.getvalue(), len(out.pages)


# --- Record-check letters ------------------------------------------------------------------------


def _letter_code() -> str:
    while True:
        code = "-".join("".join(secrets.choice(_CODE_ALPHABET) for _ in range(4)) for _ in range(3))
        if not RecordCheckLetter.objects.filter(code=code).exists():
            return code


@transaction.atomic
def letter_issue(*, record_request: RecordRequest, records_found: bool, actor) -> RecordCheckLetter:
    """Generate the record-check letter (a PDF released to the requester) with a code anyone
    can check at /records/verify/."""
    if record_request.kind != RequestKind.RECORD_CHECK:
        raise DomainError(_("Letters are for record checks."), code="not_record_check")
    from datetime import date

    dob = record_request.details.get("date_of_birth")
    letter_row = RecordCheckLetter(
        request=record_request,
        code=_letter_code(),
        subject_name=record_request.requester_name,
        date_of_birth=date.fromisoformat(dob) if dob else None,
        records_found=records_found,
        issued_by=actor,
    )
    letter_row.save()
    data = _letter_pdf(letter_row)
    document = services._store_document(
        record_request=record_request,
        kind=Document.Kind.RELEASED,
        upload=services.Upload(
            name=f"{record_request.tracking_number}-record-check.pdf",
            content_type="application/pdf",
            data=data,
        ),
    )
    document.pages = 1
    document.save(update_fields=["pages"])
    letter_row.document = document
    letter_row.save(update_fields=["document"])
    audit_record(
        actor=actor,
        action="records.letter.issue",
        target=record_request,
        detail={"code": letter_row.code, "records_found": records_found},
    )
    return letter_row


def _letter_pdf(letter_row: RecordCheckLetter) -> bytes:
    department = department_get()
    record_request = letter_row.request
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    with translation.override(record_request.language):
        y = _letterhead(pdf, department)
        issued = date_format(services.local_date(timezone.now()), "DATE_FORMAT")
        subject = letter_row.subject_name
        if letter_row.date_of_birth:
            subject += ", " + _("born %(date)s") % {
                "date": date_format(letter_row.date_of_birth, "DATE_FORMAT")
            }
        result = (
            _(
                "The department's records contain entries about this person. Ask the Records "
                "Division if you need details."
            )
            if letter_row.records_found
            else _("A search of the department's records found no entries about this person.")
        )
        verify = settings.PORTAL_BASE_URL.rstrip("/") + "/records/verify/"
        text = "\n".join(
            [
                issued,
                "",
                _("Record check"),
                "",
                _("Person: %(subject)s") % {"subject": subject},
                "",
                result,
                "",
                _("This letter covers the records of %(department)s only.")
                % {"department": department.name},
                "",
                _("Verification code: %(code)s") % {"code": letter_row.code},
                _("Anyone can confirm this letter at %(url)s") % {"url": verify},
                "",
                _("Records Division"),
            ]
        )
    _wrap(pdf, text, inch, y, letter[0] - 2 * inch, size=11)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def letter_verify(*, code: str) -> RecordCheckLetter | None:
    normalized = code.strip().upper().replace(" ", "")
    if len(normalized) == 12 and "-" not in normalized:
        normalized = "-".join(normalized[i : i + 4] for i in range(0, 12, 4))
    return (
        RecordCheckLetter.objects.filter(code=normalized, revoked_at__isnull=True)
        .select_related("request")
        .first()
    )


@transaction.atomic
def letter_revoke(*, letter_row: RecordCheckLetter, actor, reason: str) -> RecordCheckLetter:
    """Withdraw a letter (issued in error, say): /records/verify/ stops confirming it."""
    if not reason.strip():
        raise DomainError(_("Give a reason."), code="reason_required", field="reason")
    letter_row = RecordCheckLetter.objects.select_for_update().get(pk=letter_row.pk)
    if letter_row.revoked_at is None:
        letter_row.revoked_at = timezone.now()
        letter_row.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="records.letter.revoke",
            target=letter_row.request,
            detail={"code": letter_row.code, "reason": reason.strip()},
        )
    return letter_row
