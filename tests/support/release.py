"""A release packet ready for approval, for the release tests and the worker's: a scan with a
region redacted and a three-page narrative with its second page withheld."""

import io

from PIL import Image
from reportlab.pdfgen import canvas

from records import services
from records.models import ReleasePacket
from records.services import Upload


def scan_upload() -> Upload:
    image = Image.new("RGB", (400, 500), "white")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return Upload(name="report-scan.png", content_type="image/png", data=buffer.getvalue())


def narrative_upload(pages: int) -> Upload:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for n in range(pages):
        pdf.drawString(72, 720, f"Narrative page {n + 1}: the witness Jane Roe said")
        pdf.showPage()
    pdf.save()
    return Upload(name="narrative.pdf", content_type="application/pdf", data=buffer.getvalue())


def prepared_packet(record_request, clerk) -> ReleasePacket:
    scan = services.responsive_upload(
        record_request=record_request, upload=scan_upload(), actor=clerk
    )
    narrative = services.responsive_upload(
        record_request=record_request, upload=narrative_upload(3), actor=clerk
    )
    services.redaction_add(
        document=scan,
        page=1,
        exemption="C.G.S. §1-210(b)(3)(A)",
        actor=clerk,
        region=(10, 10, 50, 20),
        note="Witness name",
    )
    services.redaction_add(
        document=narrative,
        page=2,
        exemption="C.G.S. §1-210(b)(3)(B)",
        actor=clerk,
        whole_page=True,
    )
    return services.packet_prepare(record_request=record_request, actor=clerk)
