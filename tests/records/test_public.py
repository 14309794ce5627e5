"""The residents' side: typed forms, tracking by link or by code, replies, private by default."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import signing
from django.utils import timezone
from PIL import Image

from portal.models import Notification
from records.models import Document, Fee, Message, RecordRequest, RequestKind, Status
from records.services import Upload, document_read, download_token, tracking_token
from records.services.documents import store_document
from tests.factories import UserFactory
from tests.records.factories import FingerprintSlotFactory, RecordRequestFactory

pytestmark = pytest.mark.django_db

REQUESTER = {
    "requester_name": "Dana Whitlock",
    "requester_email": "dana@example.org",
    "requester_phone": "",
}


def _png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "licence.png"
    return buffer


def _track_path(record_request) -> str:
    return f"/records/track/{tracking_token(record_request=record_request)}/"


def test_records_page_links_to_each_type_of_request(client):
    page = client.get("/records/").content.decode()
    for slug in ["police-report", "accident-report", "record-check", "fingerprinting", "other"]:
        assert f"/records/request/{slug}/" in page


def test_police_report_request_gets_a_tracking_number_and_an_e_mail_link(client):
    response = client.post(
        "/records/request/police-report/",
        {**REQUESTER, "case_number": "26-004512", "relation": "involved"},
    )
    assert response.status_code == 302
    record_request = RecordRequest.objects.get()
    assert record_request.kind == RequestKind.POLICE_REPORT
    assert record_request.details == {"case_number": "26-004512", "relation": "involved"}
    page = client.get(response["Location"]).content.decode()
    assert record_request.tracking_number in page
    mail = Notification.objects.get(recipient="dana@example.org")
    link = re.search(r"http://\S+/records/track/\S+/", mail.body).group(0)
    assert client.get(link.split("8000", 1)[-1]).status_code == 200


def test_police_report_needs_a_case_number_or_date_and_place_and_keeps_what_was_typed(client):
    response = client.post(
        "/records/request/police-report/",
        {**REQUESTER, "location": "Main Street", "relation": "witness"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give the case number, or the date and the place" in page
    assert 'value="Main Street"' in page
    assert "data-error-summary" in page
    assert not RecordRequest.objects.exists()


def test_accident_report_without_a_case_number_needs_date_place_and_driver(client):
    data = {**REQUESTER, "accident_date": "2026-03-02", "location": "Route 44"}
    response = client.post("/records/request/accident-report/", data)
    assert response.status_code == 200
    data["driver_or_plate"] = "CT 4KX-219"
    assert client.post("/records/request/accident-report/", data).status_code == 302


def test_record_check_stores_the_id_encrypted_at_rest(client):
    upload = _png()
    original = upload.getvalue()
    response = client.post(
        "/records/request/record-check/",
        {
            **REQUESTER,
            "date_of_birth": "1984-05-06",
            "home_address": "12 Elm Street",
            "purpose": "employment",
            "id_document": upload,
        },
    )
    assert response.status_code == 302
    document = Document.objects.get(kind=Document.Kind.ID_DOCUMENT)
    with document.file.open("rb") as handle:
        stored = handle.read()
    assert original not in stored
    assert document_read(document=document) == original


def test_record_check_refuses_a_file_that_is_not_an_image_or_pdf(client):
    fake = io.BytesIO(b"#!/bin/sh\necho hi\n")
    fake.name = "id.png"
    response = client.post(
        "/records/request/record-check/",
        {
            **REQUESTER,
            "date_of_birth": "1984-05-06",
            "home_address": "12 Elm Street",
            "purpose": "employment",
            "id_document": fake,
        },
    )
    assert response.status_code == 200
    assert "Send a photo (JPEG or PNG) or a PDF." in response.content.decode()
    assert not RecordRequest.objects.exists()


def test_fingerprinting_books_a_slot(client):
    slot = FingerprintSlotFactory(capacity=2)
    response = client.post(
        "/records/request/fingerprinting/", {**REQUESTER, "purpose": "adoption", "slot": slot.pk}
    )
    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.booked == 1
    assert RecordRequest.objects.get().slot == slot


def test_a_full_slot_is_not_offered(client):
    FingerprintSlotFactory(capacity=1, booked=1)
    page = client.get("/records/request/fingerprinting/").content.decode()
    assert "There are no free fingerprinting times right now" in page


def test_other_request_asks_for_a_description(client):
    response = client.post("/records/request/other/", {**REQUESTER, "delivery": "electronic"})
    assert response.status_code == 200
    response = client.post(
        "/records/request/other/",
        {**REQUESTER, "delivery": "electronic", "description": "Body camera, 3 May, Elm St."},
    )
    assert response.status_code == 302


def test_an_unknown_or_forged_tracking_link_is_a_404(client):
    record_request = RecordRequestFactory()
    assert client.get(_track_path(record_request)).status_code == 200
    forged = signing.dumps(str(record_request.public_id), salt="another.salt", compress=True)
    assert client.get(f"/records/track/{forged}/").status_code == 404
    assert client.get(f"/records/track/{record_request.public_id}/").status_code == 404
    assert client.get("/records/track/nonsense/").status_code == 404


def test_tracking_by_number_and_e_mailed_code(client):
    record_request = RecordRequestFactory(requester_email="dana@example.org")
    page = client.post(
        "/records/track/",
        {"tracking_number": record_request.tracking_number.lower(), "email": "DANA@example.org"},
    ).content.decode()
    assert "Enter your code" in page
    code = re.search(r"Your code is (\d{6})", Notification.objects.get().body).group(1)
    response = client.post(
        "/records/track/code/", {"tracking_number": record_request.tracking_number, "code": code}
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    # The code works once.
    again = client.post(
        "/records/track/code/", {"tracking_number": record_request.tracking_number, "code": code}
    )
    assert again.status_code == 200


def test_lookup_with_the_wrong_e_mail_sends_nothing_and_says_the_same(client):
    record_request = RecordRequestFactory(requester_email="dana@example.org")
    page = client.post(
        "/records/track/",
        {"tracking_number": record_request.tracking_number, "email": "someone@example.org"},
    ).content.decode()
    assert "Enter your code" in page
    assert not Notification.objects.exists()


def test_guessing_codes_stops_after_five_tries(client):
    record_request = RecordRequestFactory(requester_email="dana@example.org")
    client.post(
        "/records/track/",
        {"tracking_number": record_request.tracking_number, "email": "dana@example.org"},
    )
    code = re.search(r"Your code is (\d{6})", Notification.objects.get().body).group(1)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        client.post(
            "/records/track/code/",
            {"tracking_number": record_request.tracking_number, "code": wrong},
        )
    response = client.post(
        "/records/track/code/", {"tracking_number": record_request.tracking_number, "code": code}
    )
    assert response.status_code == 200  # locked out: the right code no longer works


def test_requester_replies_with_an_attachment(client):
    record_request = RecordRequestFactory(status=Status.AWAITING_REQUESTER)
    path = _track_path(record_request)
    response = client.post(path + "reply/", {"body": "The date was 3 May.", "attachment": _png()})
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.author == Message.Author.REQUESTER
    assert message.documents.get().kind == Document.Kind.REQUESTER_UPLOAD
    assert "The date was 3 May." in client.get(path).content.decode()


def test_an_empty_reply_is_refused(client):
    record_request = RecordRequestFactory()
    response = client.post(_track_path(record_request) + "reply/", {"body": "  "})
    assert response.status_code == 400
    assert "Write a message or attach a file." in response.content.decode()


def test_internal_notes_never_reach_the_requester(client):
    record_request = RecordRequestFactory()
    Message.objects.create(request=record_request, author=Message.Author.NOTE, body="Secret note")
    assert "Secret note" not in client.get(_track_path(record_request)).content.decode()


def _released(record_request) -> Document:
    return store_document(
        record_request=record_request,
        kind=Document.Kind.RELEASED,
        upload=Upload(name="report.pdf", content_type="application/pdf", data=b"%PDF-1.4 x"),
        approved_by=UserFactory(),  # a second clerk's approval (issue 13)
    )


def test_released_documents_stay_hidden_until_the_fees_are_paid(client):
    record_request = RecordRequestFactory(status=Status.READY)
    document = _released(record_request)
    Fee.objects.create(
        request=record_request,
        description="Copies",
        quantity=4,
        unit_price=Decimal("0.50"),
        amount=Decimal("2.00"),
    )
    page = client.get(_track_path(record_request)).content.decode()
    assert "report.pdf" not in page
    link = f"/records/download/{download_token(document=document)}/"
    assert client.get(link).status_code == 404
    record_request.fees_paid_at = timezone.now()
    record_request.save()
    page = client.get(_track_path(record_request)).content.decode()
    assert "report.pdf" in page
    response = client.get(link)
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 x"


def test_download_links_expire(client, settings):
    import time_machine

    record_request = RecordRequestFactory(status=Status.READY)
    document = _released(record_request)
    link = f"/records/download/{download_token(document=document)}/"
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert client.get(link).status_code == 404
    assert client.get(link).status_code == 200


def test_tracking_page_query_count_does_not_grow_with_messages_and_steps(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from records.models import TimelineEntry

    record_request = RecordRequestFactory(status=Status.READY)
    path = _track_path(record_request)

    def add(n: int) -> None:
        for i in range(n):
            message = Message.objects.create(
                request=record_request, author=Message.Author.REQUESTER, body=f"Note {i}"
            )
            store_document(
                record_request=record_request,
                kind=Document.Kind.REQUESTER_UPLOAD,
                upload=Upload(name=f"{i}.pdf", content_type="application/pdf", data=b"%PDF"),
                message=message,
            )
            TimelineEntry.objects.create(
                request=record_request, action="requester_message", status=Status.READY
            )
            _released(record_request)

    add(1)
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        client.get(path)
    add(12)
    with CaptureQueriesContext(connection) as many:
        client.get(path)
    assert len(many) == len(few)
