"""Region redaction of PDFs and scans: what is under a box is gone from the released packet
(text, images, annotations, metadata), the pixels are black, the log cites each exemption;
search-term redaction finds every occurrence; a change after approval voids the approval."""

import io

import pypdfium2 as pdfium
import pytest
from django.core.exceptions import ValidationError
from PIL import Image
from pypdf import PdfReader

from portal.models import AuditEntry
from portal.scrub import pdfium_lock
from records import redact, services
from records.models import Document, Redaction, ReleasePacket, Status
from records.services import Upload, document_read
from tests.factories import UserFactory
from tests.records.factories import RecordRequestFactory
from tests.support.errors import raises_domain
from tests.support.redaction import BOX, INSIDE, OUTSIDE
from tests.support.redaction import marked_pdf as _marked_pdf

pytestmark = pytest.mark.django_db


def _build(record_request, clerk) -> bytes:
    supervisor = UserFactory()
    packet = services.packet_prepare(record_request=record_request, actor=clerk)
    services.packet_approve(packet=packet, actor=supervisor)
    packet = ReleasePacket.objects.get(pk=packet.pk)
    ReleasePacket.objects.filter(pk=packet.pk).update(state=ReleasePacket.State.QUEUED)
    assert services.packet_build(packet_id=packet.pk)
    packet.refresh_from_db()
    return document_read(document=packet.document)


def _text(data: bytes) -> str:
    """Every character any reader could pull out: pypdf's text, PDFium's text, annotations."""
    reader = PdfReader(io.BytesIO(data))
    parts = [page.extract_text() for page in reader.pages]
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            parts.append(str(annotation.get_object()))
    pdf = pdfium.PdfDocument(data)
    for i in range(len(pdf)):
        parts.append(pdf[i].get_textpage().get_text_range())
    pdf.close()
    return "\n".join(parts)


def _pixels(data: bytes, page: int):
    pdf = pdfium.PdfDocument(data)
    image = pdf[page].render(scale=1).to_pil().convert("RGB")
    pdf.close()
    return image


def test_region_on_a_pdf_page_removes_the_text_image_and_annotation_under_the_box():
    clerk = UserFactory()
    record_request = RecordRequestFactory(status=Status.IN_REVIEW)
    document = services.responsive_upload(
        record_request=record_request, upload=_marked_pdf(annotate=True), actor=clerk
    )
    services.redaction_add(
        document=document,
        page=1,
        exemption="C.G.S. §1-210(b)(3)(A)",
        actor=clerk,
        region=BOX,
        note="Witness name",
    )
    packet = _build(record_request, clerk)
    reader = PdfReader(io.BytesIO(packet))
    # cover letter, page 1 (redacted), page 2 (no box: copied as it is), redaction log
    assert len(reader.pages) == 4
    assert INSIDE in reader.pages[2].extract_text()
    assert INSIDE not in _text(packet).replace(reader.pages[2].extract_text(), "")
    assert OUTSIDE in _text(packet)
    assert "/Annots" not in reader.pages[1]

    # The redacted page (after the 1-page cover letter) is black under the box, in every pixel
    # (where there was red picture and white paper), and untouched elsewhere.
    image = _pixels(packet, 1)
    w, h = image.size
    for fx in (0.11, 0.2, 0.4, 0.59):
        for fy in (0.11, 0.18, 0.24):
            assert image.getpixel((int(w * fx), int(h * fy))) == (0, 0, 0), (fx, fy)
    assert image.getpixel((int(w * 0.9), int(h * 0.9))) == (255, 255, 255)


def test_released_text_never_has_the_inside_marker_anywhere_but_the_outside_one_stays():
    clerk = UserFactory()
    record_request = RecordRequestFactory(status=Status.IN_REVIEW)
    document = services.responsive_upload(
        record_request=record_request, upload=_marked_pdf(), actor=clerk
    )
    services.redaction_add(
        document=document, page=1, exemption="§1-210(b)(3)(A)", actor=clerk, region=BOX
    )
    services.redaction_add(
        document=document, page=2, exemption="§1-210(b)(3)(B)", actor=clerk, whole_page=True
    )
    text = _text(_build(record_request, clerk))
    assert OUTSIDE in text
    assert INSIDE not in text


def test_the_redaction_log_lists_each_redaction_with_its_citation():
    clerk = UserFactory()
    record_request = RecordRequestFactory(status=Status.IN_REVIEW)
    document = services.responsive_upload(
        record_request=record_request, upload=_marked_pdf(), actor=clerk
    )
    services.redaction_add(
        document=document,
        page=1,
        exemption="C.G.S. §1-210(b)(3)(A)",
        actor=clerk,
        region=BOX,
        note="Witness name",
    )
    services.redaction_add(
        document=document, page=2, exemption="C.G.S. §1-210(b)(18)", actor=clerk, whole_page=True
    )
    log = PdfReader(io.BytesIO(_build(record_request, clerk))).pages[-1].extract_text()
    log = " ".join(log.split())
    assert "Redaction log" in log
    assert (
        "1. incident.pdf, page 1: area blacked out (50% wide, 15% high, at 10% from the left "
        "and 10% from the top). C.G.S. §1-210(b)(3)(A) — Witness name"
    ) in log
    assert "2. incident.pdf, page 2: whole page withheld. C.G.S. §1-210(b)(18)" in log


def test_the_source_files_metadata_is_not_released():
    clerk = UserFactory()
    record_request = RecordRequestFactory(status=Status.IN_REVIEW)
    services.responsive_upload(
        record_request=record_request,
        upload=_marked_pdf(annotate=True, author="Det. Hidden Name"),
        actor=clerk,
    )
    packet = _build(record_request, clerk)
    reader = PdfReader(io.BytesIO(packet))
    assert "Hidden" not in str(reader.metadata)
    assert b"Hidden Name" not in packet


def test_search_term_redaction_blacks_out_every_occurrence_on_every_page():
    clerk = UserFactory()
    record_request = RecordRequestFactory(status=Status.IN_REVIEW)
    document = services.responsive_upload(
        record_request=record_request, upload=_marked_pdf(), actor=clerk
    )
    found = services.redaction_for_term(
        document=document, term=INSIDE.lower(), exemption="§1-210(b)(3)(A)", actor=clerk
    )
    assert [r.page for r in found] == [1, 2]
    assert all(r.exemption == "§1-210(b)(3)(A)" and not r.whole_page for r in found)
    assert AuditEntry.objects.filter(action="records.redaction.added").count() == 2
    text = _text(_build(record_request, clerk))
    assert INSIDE not in text
    assert OUTSIDE in text


def test_search_term_redaction_needs_a_pdf_a_citation_and_a_hit():
    clerk = UserFactory()
    record_request = RecordRequestFactory()
    document = services.responsive_upload(
        record_request=record_request, upload=_marked_pdf(), actor=clerk
    )
    for term, exemption, code in [
        ("nowhere-to-be-found", "§1-210(b)(2)", "term_not_found"),
        (INSIDE, " ", "exemption_required"),
        ("x", "§1-210(b)(2)", "term_short"),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.redaction_for_term(
                document=document, term=term, exemption=exemption, actor=clerk
            )
        assert refused.value.domain_code == code
    assert not Redaction.objects.exists()


def test_a_region_must_lie_within_the_page():
    clerk = UserFactory()
    document = services.responsive_upload(
        record_request=RecordRequestFactory(), upload=_marked_pdf(), actor=clerk
    )
    with pytest.raises(ValidationError) as refused:
        services.redaction_add(
            document=document, page=1, exemption="§1", actor=clerk, region=(80, 10, 30, 5)
        )
    assert refused.value.domain_code == "bad_region"
    with pytest.raises(ValidationError) as refused:
        services.redaction_add(document=document, page=3, exemption="§1", actor=clerk, region=BOX)
    assert refused.value.domain_code == "bad_page"


def test_a_scanned_image_is_blacked_out_in_its_pixels():
    clerk = UserFactory()
    record_request = RecordRequestFactory(status=Status.IN_REVIEW)
    scan = io.BytesIO()
    Image.new("RGB", (800, 1000), (0, 90, 200)).save(scan, "PNG")
    document = services.responsive_upload(
        record_request=record_request,
        upload=Upload("scan.png", "image/png", scan.getvalue()),
        actor=clerk,
    )
    services.redaction_add(document=document, page=1, exemption="§1", actor=clerk, region=BOX)
    reader = PdfReader(io.BytesIO(_build(record_request, clerk)))
    image = Image.open(io.BytesIO(reader.pages[1].images[0].data)).convert("RGB")
    w, h = image.size
    assert image.getpixel((int(w * 0.3), int(h * 0.2))) == (0, 0, 0)
    assert image.getpixel((int(w * 0.9), int(h * 0.9))) == (0, 90, 200)


def test_a_redaction_added_or_removed_after_approval_voids_the_approval():
    clerk, supervisor = UserFactory(), UserFactory()
    record_request = RecordRequestFactory(status=Status.IN_REVIEW)
    document = services.responsive_upload(
        record_request=record_request, upload=_marked_pdf(), actor=clerk
    )
    packet = services.packet_prepare(record_request=record_request, actor=clerk)
    services.packet_approve(packet=packet, actor=supervisor)
    redaction = services.redaction_add(
        document=document, page=1, exemption="§1", actor=supervisor, region=BOX
    )
    packet.refresh_from_db()
    assert packet.state == ReleasePacket.State.PREPARED
    assert packet.approved_by is None
    services.packet_approve(packet=packet, actor=UserFactory())
    services.redaction_remove(redaction=redaction, actor=clerk, reason="Wrong line")
    packet.refresh_from_db()
    assert packet.state == ReleasePacket.State.PREPARED
    assert not Redaction.objects.exists()
    assert AuditEntry.objects.filter(action="records.redaction.removed").count() == 1
    assert AuditEntry.objects.filter(action="records.packet.approval_voided").count() == 2


def test_only_responsive_records_are_redacted():
    clerk = UserFactory()
    record_request = RecordRequestFactory()
    document = services.responsive_upload(
        record_request=record_request, upload=_marked_pdf(), actor=clerk
    )
    Document.objects.filter(pk=document.pk).update(kind=Document.Kind.RELEASED)
    document.refresh_from_db()
    with raises_domain("not_responsive"):
        services.redaction_add(document=document, page=1, exemption="§1", actor=clerk, region=BOX)


def test_records_and_the_kernel_share_one_pdfium_lock():
    """PDFium is not thread-safe: the records redactor and the kernel's file cleaning (tips,
    and every app after) must hold the same lock, or two worker threads enter it together."""
    assert redact._lock is pdfium_lock
