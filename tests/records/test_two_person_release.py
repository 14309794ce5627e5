"""Two people for every release (issue 13): a document uploaded to release as it is waits for a
second clerk, and a record-check letter is prepared by one clerk and issued by another. The rule
lives in the services and holds at the admin's door too."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from portal import roles
from portal.models import AuditEntry
from records import services
from records.models import Document, RecordCheckLetter, RequestKind, Status
from records.services import Upload
from tests.factories import UserFactory
from tests.records.factories import RecordRequestFactory

pytestmark = pytest.mark.django_db
QUEUE = "/admin/records/recordrequest/"
PDF = b"%PDF-1.4 report"


def _clerk(name):
    return UserFactory(username=name, roles=[roles.RECORDS_CLERKS])


def _release(record_request, clerk):
    return services.document_release(
        record_request=record_request,
        upload=Upload(name="report.pdf", content_type="application/pdf", data=PDF),
        actor=clerk,
    )


def _tracking_page(client, record_request) -> str:
    token = services.tracking_token(record_request=record_request)
    return client.get(f"/records/track/{token}/").content.decode()


# --- A document released as it is ---------------------------------------------------------------


def test_a_document_released_as_it_is_is_not_downloadable_before_a_second_clerk_approves(client):
    record_request = RecordRequestFactory(status=Status.READY)
    document = _release(record_request, _clerk("carmen"))
    token = services.download_token(document=document)
    with pytest.raises(Http404):
        services.document_for_download(token=token)
    assert "report.pdf" not in _tracking_page(client, record_request)
    assert client.get(f"/records/download/{token}/").status_code == 404


def test_the_clerk_who_put_a_document_forward_cannot_approve_it():
    carmen = _clerk("carmen")
    document = _release(RecordRequestFactory(status=Status.READY), carmen)
    with pytest.raises(ValidationError) as refused:
        services.document_approve(document=document, actor=carmen)
    assert refused.value.code == "four_eyes"
    with pytest.raises(ValidationError):
        services.document_approve(document=document, actor=None)
    document.refresh_from_db()
    assert document.approved_at is None


def test_a_second_clerk_approves_and_the_requester_can_download(client):
    record_request = RecordRequestFactory(status=Status.READY)
    document = _release(record_request, _clerk("carmen"))
    omar = _clerk("omar")
    services.document_approve(document=document, actor=omar)
    found, data = services.document_for_download(token=services.download_token(document=document))
    assert (found, data) == (document, PDF)
    assert "report.pdf" in _tracking_page(client, record_request)
    entry = AuditEntry.objects.get(action="records.document.approved")
    assert entry.actor == omar
    with pytest.raises(ValidationError) as again:
        services.document_approve(document=document, actor=_clerk("ines"))
    assert again.value.code == "already_approved"


def _page_data(record_request, **extra):
    data = {
        "requester_name": record_request.requester_name,
        "requester_email": record_request.requester_email,
        "requester_phone": "",
        "sent_at": record_request.sent_at.strftime("%Y-%m-%dT%H:%M"),
        **extra,
    }
    for prefix in ["timeline", "messages", "fees", "documents", "redactions"]:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def test_the_admin_holds_the_document_until_another_clerk_approves_it(client):
    record_request = RecordRequestFactory(status=Status.READY)
    carmen, omar = _clerk("carmen"), _clerk("omar")
    client.force_login(carmen)
    upload = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    response = client.post(
        f"{QUEUE}{record_request.pk}/change/", _page_data(record_request, release_file=upload)
    )
    assert response.status_code == 302
    document = Document.objects.get(request=record_request, kind=Document.Kind.RELEASED)
    assert document.approved_at is None and document.released_by == carmen
    page = client.get(f"{QUEUE}{record_request.pk}/change/").content.decode()
    assert "packet/document_approve/" in page
    # The clerk who uploaded it is refused at the admin's door as well.
    client.post(f"{QUEUE}{record_request.pk}/packet/document_approve/", {"document": document.pk})
    document.refresh_from_db()
    assert document.approved_at is None
    client.force_login(omar)
    page = client.get(f"{QUEUE}{record_request.pk}/packet/document_approve/").content.decode()
    assert "report.pdf" in page
    client.post(f"{QUEUE}{record_request.pk}/packet/document_approve/", {"document": document.pk})
    document.refresh_from_db()
    assert document.approved_by == omar


# --- Record-check letters -----------------------------------------------------------------------


def test_a_prepared_letter_is_not_released_nor_verifiable_until_a_second_clerk_issues_it(client):
    record_request = RecordRequestFactory(
        kind=RequestKind.RECORD_CHECK, status=Status.READY, details={"date_of_birth": "1984-05-06"}
    )
    carmen, omar = _clerk("carmen"), _clerk("omar")
    letter = services.letter_prepare(
        record_request=record_request, records_found=False, actor=carmen
    )
    assert letter.document is None and letter.issued_at is None
    assert not record_request.documents.filter(kind=Document.Kind.RELEASED).exists()
    page = client.get("/records/verify/", {"code": letter.code}).content.decode()
    assert "No letter has this code" in page
    with pytest.raises(ValidationError) as refused:
        services.letter_issue(letter_row=letter, actor=carmen)
    assert refused.value.code == "four_eyes"
    with pytest.raises(ValidationError) as twice:
        services.letter_prepare(record_request=record_request, records_found=True, actor=omar)
    assert twice.value.code == "letter_pending"

    letter = services.letter_issue(letter_row=letter, actor=omar)
    assert (letter.prepared_by, letter.issued_by) == (carmen, omar)
    assert letter.document.approved_by == omar
    page = client.get("/records/verify/", {"code": letter.code}).content.decode()
    assert "This letter is genuine" in page
    services.document_for_download(token=services.download_token(document=letter.document))
    assert AuditEntry.objects.filter(action="records.letter.prepared", actor=carmen).exists()
    assert AuditEntry.objects.filter(action="records.letter.issued", actor=omar).exists()


def test_the_admin_needs_two_clerks_for_a_letter(client):
    record_request = RecordRequestFactory(kind=RequestKind.RECORD_CHECK, status=Status.READY)
    carmen, omar = _clerk("carmen"), _clerk("omar")
    client.force_login(carmen)
    client.post(f"{QUEUE}{record_request.pk}/packet/letter/", {"records_found": "1"})
    letter = RecordCheckLetter.objects.get(request=record_request)
    assert letter.issued_at is None and letter.records_found
    assert [s for s, _label in services.packet_steps(record_request=record_request)][-1] == (
        "letter_issue"
    )
    client.post(f"{QUEUE}{record_request.pk}/packet/letter_issue/")
    letter.refresh_from_db()
    assert letter.issued_at is None
    client.force_login(omar)
    client.post(f"{QUEUE}{record_request.pk}/packet/letter_issue/")
    letter.refresh_from_db()
    assert letter.issued_by == omar and letter.document is not None
