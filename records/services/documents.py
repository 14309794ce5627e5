"""Files of a request: stored encrypted (records/crypto.py) under private storage, read back
only through `document_read`; released documents reach the requester through a signed link,
once the request is ready or closed and the fees are settled."""

import io
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from pypdf import PdfReader

from portal.services.audit import audit_record
from records import crypto, selectors
from records.models import Document, Message, RecordRequest
from records.services.common import timeline_add
from records.services.links import download_token_read


@dataclass
class Upload:
    name: str
    content_type: str
    data: bytes


def store_document(
    *, record_request: RecordRequest, kind: str, upload: Upload, message: Message | None = None
) -> Document:
    document = Document(
        request=record_request,
        kind=kind,
        message=message,
        original_name=upload.name[:200],
        content_type=upload.content_type[:100],
        size=len(upload.data),
    )
    document.file.save(
        f"{secrets.token_hex(16)}.bin", ContentFile(crypto.encrypt(upload.data)), save=False
    )
    document.save()
    return document


def document_read(*, document: Document) -> bytes:
    """The file's clear bytes."""
    with document.file.open("rb") as handle:
        return crypto.decrypt(handle.read())


def pdf_page_count(data: bytes) -> int | None:
    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # noqa: BLE001 - an unreadable PDF simply has no page count
        return None


@transaction.atomic
def document_release(
    *, record_request: RecordRequest, upload: Upload, actor, pages: int | None = None
) -> Document:
    """A clerk attaches a document for the requester. It shows on the tracking page once the
    request is ready for release and the fees are settled."""
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    if pages is None and upload.content_type == "application/pdf":
        pages = pdf_page_count(upload.data)
    document = store_document(
        record_request=record_request, kind=Document.Kind.RELEASED, upload=upload
    )
    if pages:
        document.pages = pages
        document.save(update_fields=["pages"])
    timeline_add(record_request=record_request, action="release", actor=actor, public=False)
    audit_record(
        actor=actor,
        action="records.document.released",
        target=record_request,
        detail={"document": document.pk, "name": document.original_name},
    )
    return document


def document_for_download(*, token: str) -> tuple[Document, bytes]:
    """A released document and its clear bytes, for the holder of a download link; each
    download is in the audit log. Http404 for a bad or expired link, a document that is not
    released, or one the requester may not have yet (fees unpaid, request not ready)."""
    claims = download_token_read(token=token)
    if claims is None:
        raise Http404
    document = selectors.document_released_get(document_id=claims["d"], public_id=claims["r"])
    if not selectors.documents_released(record_request=document.request):
        raise Http404
    data = document_read(document=document)
    audit_record(
        actor=None,
        action="records.document.downloaded",
        target=document.request,
        detail={"document": document.pk},
        actor_label="requester",
    )
    return document, data


def document_for_staff(*, record_request: RecordRequest, document: Document, actor, page=None):
    """A request's file, decrypted, for a member of staff; each opening is in the audit log."""
    data = document_read(document=document)
    audit_record(
        actor=actor,
        action="records.document.viewed",
        target=record_request,
        detail={
            "document": document.pk,
            "kind": document.kind,
            **({"page": page} if page is not None else {}),
        },
    )
    return data
