"""The release pipeline: redactions with citations, four eyes, the packet PDF, the letters."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image
from pypdf import PdfReader

from portal.models import Notification
from records import services
from records.models import Document, ReleasePacket, RequestKind, Status
from records.services import document_read
from tests.factories import UserFactory
from tests.records.factories import RecordRequestFactory
from tests.support.errors import raises_domain
from tests.support.release import prepared_packet as _prepared
from tests.support.release import scan_upload as _scan

pytestmark = pytest.mark.django_db


def test_a_redaction_must_cite_an_exemption():
    clerk = UserFactory()
    record_request = RecordRequestFactory()
    scan = services.responsive_upload(record_request=record_request, upload=_scan(), actor=clerk)
    with raises_domain("exemption_required"):
        services.redaction_add(document=scan, page=1, exemption=" ", actor=clerk, whole_page=True)


def test_the_preparer_cannot_approve_their_own_packet():
    clerk, supervisor = UserFactory(), UserFactory()
    packet = _prepared(RecordRequestFactory(status=Status.IN_REVIEW), clerk)
    with pytest.raises(ValidationError) as refused:
        services.packet_approve(packet=packet, actor=clerk)
    assert refused.value.domain_code == "four_eyes"
    assert services.packet_approve(packet=packet, actor=supervisor).approved_by == supervisor


def test_packet_has_cover_letter_redacted_records_and_log_and_the_pixels_are_gone(
    django_capture_on_commit_callbacks,
):
    clerk, supervisor = UserFactory(), UserFactory()
    record_request = RecordRequestFactory(status=Status.READY)
    packet = _prepared(record_request, clerk)
    services.packet_approve(packet=packet, actor=supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        services.packet_generate(packet=packet, actor=supervisor)  # eager: builds at once
    packet.refresh_from_db()
    assert packet.state == ReleasePacket.State.READY
    assert packet.progress == 100
    released = Document.objects.get(kind=Document.Kind.RELEASED, request=record_request)
    reader = PdfReader(io.BytesIO(document_read(document=released)))
    # cover + scan + 3 narrative pages (one withheld) + redaction log
    assert len(reader.pages) == packet.pages == 6
    cover = reader.pages[0].extract_text()
    assert record_request.tracking_number in cover
    assert "6 pages" in cover
    assert "Witness name" in reader.pages[-1].extract_text()
    assert "§1-210(b)(3)(A)" in reader.pages[-1].extract_text()
    withheld = reader.pages[3].extract_text()
    assert "Page withheld" in withheld and "Jane Roe" not in withheld
    image = Image.open(io.BytesIO(reader.pages[1].images[0].data)).convert("RGB")
    w, h = image.size
    assert image.getpixel((int(w * 0.3), int(h * 0.2))) == (0, 0, 0)  # inside the box
    assert image.getpixel((int(w * 0.9), int(h * 0.9))) == (255, 255, 255)  # outside
    assert Notification.objects.filter(
        recipient=record_request.requester_email, dedupe_key=f"records:packet-ready:{packet.pk}"
    ).exists()
    # Building again changes nothing.
    assert services.packet_build(packet_id=packet.pk) is False


def test_record_check_letter_can_be_verified_by_anyone(client):
    record_request = RecordRequestFactory(
        kind=RequestKind.RECORD_CHECK, details={"date_of_birth": "1984-05-06"}
    )
    letter = services.letter_prepare(
        record_request=record_request, records_found=False, actor=UserFactory()
    )
    letter = services.letter_issue(letter_row=letter, actor=UserFactory())
    text = PdfReader(io.BytesIO(document_read(document=letter.document))).pages[0].extract_text()
    assert letter.code in text
    page = client.get("/records/verify/", {"code": letter.code.lower()}).content.decode()
    assert "This letter is genuine" in page
    assert record_request.requester_name in page
    page = client.get("/records/verify/", {"code": "AAAA-BBBB-CCCC"}).content.decode()
    assert "No letter has this code" in page


def test_a_withdrawn_letter_is_no_longer_confirmed(client):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    from portal import roles

    record_request = RecordRequestFactory(kind=RequestKind.RECORD_CHECK)
    letter = services.letter_prepare(
        record_request=record_request, records_found=True, actor=UserFactory()
    )
    letter = services.letter_issue(letter_row=letter, actor=UserFactory())
    client.force_login(UserFactory(roles=[roles.RECORDS_CLERKS]))
    client.post(
        "/admin/records/recordcheckletter/",
        {"action": "revoke", ACTION_CHECKBOX_NAME: [letter.pk], "apply": "1", "reason": "Typo"},
    )
    letter.refresh_from_db()
    assert letter.revoked_at is not None
    page = client.get("/records/verify/", {"code": letter.code}).content.decode()
    assert "No letter has this code" in page
