"""The release packet and the record-check letter as PDFs (reportlab for what we draw, pypdf
to put pages together). Drawing only: what goes in, and who may release it, is decided in
records/services/release.py and records/services/letters.py.

A redacted page is painted in pixels (records/redact.py) before it goes in; a page withheld
whole becomes a notice page; a page without redactions is copied without the source file's
document metadata. The packet opens with a cover letter on the department's letterhead and
ends with the redaction log, both in the requester's language.
"""

import io
import logging
from collections.abc import Callable
from decimal import Decimal

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import letter
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen import canvas

from portal.links import absolute_url
from portal.localtime import local_today, to_local
from portal.selectors import department_get
from records import redact, selectors
from records.models import Document, RecordCheckLetter, Redaction, ReleasePacket
from records.services.documents import document_read

logger = logging.getLogger(__name__)


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


def cover_letter(record_request, documents, total_pages, redactions, language) -> bytes:
    department = department_get()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    pdf.setTitle(f"{record_request.tracking_number}")
    width = letter[0] - 2 * inch
    with translation.override(language):
        y = _letterhead(pdf, department)
        today = date_format(local_today(), "DATE_FORMAT")
        total = selectors.fees_total(record_request=record_request)
        settled = selectors.fees_settled(record_request=record_request)
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
                "received": date_format(to_local(record_request.received_at).date(), "DATE_FORMAT"),
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


def notice_page(text: str) -> bytes:
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


def redaction_log(record_request, redactions, language) -> bytes:
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


def packet_pdf(
    packet: ReleasePacket, progress: Callable[[int], None] = lambda percent: None
) -> tuple[bytes, int]:
    """The whole packet (cover letter, records, redaction log) and its page count; `progress`
    is told the percentage done as each record is added."""
    record_request = packet.request
    language = record_request.language
    documents = list(
        record_request.documents.filter(kind=Document.Kind.RESPONSIVE, purged_at__isnull=True)
    )
    redactions = list(Redaction.objects.filter(request=record_request).select_related("document"))
    body = PdfWriter()
    steps = len(documents) + 2
    for index, document in enumerate(documents, 1):
        data = document_read(document=document)
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
                                notice_page(notice % {"exemption": withheld[number].exemption})
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
                PdfReader(io.BytesIO(notice_page(notice % {"exemption": withheld[1].exemption})))
            )
        else:
            image = redact.black_out(redact.render_image(data), boxes.get(1, []))
            body.append(PdfReader(io.BytesIO(redact.image_page_pdf(image))))
        progress(int(80 * index / steps))
    if redactions:
        body.append(PdfReader(io.BytesIO(redaction_log(record_request, redactions, language))))
    body_pages = len(body.pages)
    cover_pages = 1
    while True:
        cover = cover_letter(
            record_request, documents, body_pages + cover_pages, redactions, language
        )
        actual = len(PdfReader(io.BytesIO(cover)).pages)
        if actual == cover_pages:
            break
        cover_pages = actual
    progress(90)
    out = PdfWriter()
    out.append(PdfReader(io.BytesIO(cover)))
    for page in body.pages:
        out.add_page(page)
    out.add_metadata({"/Title": f"{record_request.tracking_number}", "/Producer": "portal"})
    buffer = io.BytesIO()
    out.write(buffer)
    return buffer.getvalue(), len(out.pages)


def letter_pdf(letter_row: RecordCheckLetter) -> bytes:
    department = department_get()
    record_request = letter_row.request
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    with translation.override(record_request.language):
        y = _letterhead(pdf, department)
        issued = date_format(local_today(), "DATE_FORMAT")
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
        verify = absolute_url("/records/verify/")
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
