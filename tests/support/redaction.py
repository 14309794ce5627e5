"""A PDF with marked words inside and outside a redaction box, for the redaction tests (the
service's, the admin page's and the browser's)."""

import io

from pypdf import PdfReader, PdfWriter
from pypdf.annotations import FreeText
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from records.services import Upload

INSIDE = "INSIDE7741"
OUTSIDE = "OUTSIDE3352"
# The box, in percent of the page from the top-left corner: x 10-60 %, y 10-25 %.
BOX = (10, 10, 50, 15)


def marked_pdf(*, annotate: bool = False, author: str = "") -> Upload:
    """Page 1: INSIDE written (and a red picture drawn) inside BOX, OUTSIDE far below it.
    Page 2: INSIDE again, with no box on that page."""
    width, height = letter
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    if author:
        pdf.setAuthor(author)
    # inside the box: x 61-367 pt, y (from the top) 79-198 pt
    pdf.setFillColorRGB(1, 0, 0)
    pdf.rect(0.12 * width, height - 0.24 * height, 0.2 * width, 0.05 * height, fill=1, stroke=0)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont("Helvetica", 14)
    pdf.drawString(0.35 * width, height - 0.15 * height, f"Witness: {INSIDE}")
    pdf.drawString(0.1 * width, height - 0.7 * height, f"Officer: {OUTSIDE}")
    pdf.showPage()
    pdf.setFont("Helvetica", 14)
    pdf.drawString(72, 700, f"Second page mentions {INSIDE} too.")
    pdf.showPage()
    pdf.save()
    data = buffer.getvalue()
    if annotate:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        # A sticky text annotation lying inside the box (PDF space: origin bottom left).
        rect = (0.15 * width, height - 0.2 * height, 0.5 * width, height - 0.13 * height)
        writer.add_annotation(page_number=0, annotation=FreeText(text=f"note {INSIDE}", rect=rect))
        if author:
            writer.add_metadata({"/Author": author})
        out = io.BytesIO()
        writer.write(out)
        data = out.getvalue()
    return Upload(name="incident.pdf", content_type="application/pdf", data=data)
