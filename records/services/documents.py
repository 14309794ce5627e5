"""Files of a request: stored encrypted (records/crypto.py) under private storage, read back
only through `document_read`; released documents reach the requester through a signed link,
once the request is ready or closed and the fees are settled.

Rules:
- Two people for every release (department policy; issue 13): a document a clerk uploads to
  release as it is waits for a second clerk's approval (`document_approve`) before the requester
  can see or download it. The clerk who put it forward cannot approve it. A release packet is
  approved by a second person before it is built (records/services/release.py), and a
  record-check letter is prepared by one clerk and issued by another
  (records/services/letters.py); what those produce is released already approved.
"""

import io
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader

from portal.errors import DomainError
from portal.services.audit import audit_record
from records import crypto, selectors
from records.models import Document, Message, RecordRequest
from records.services.common import timeline_add
from records.services.links import download_token_read
from records.services.personnel import personnel_release_check


@dataclass
class Upload:
    name: str
    content_type: str
    data: bytes


def store_document(
    *,
    record_request: RecordRequest,
    kind: str,
    upload: Upload,
    message: Message | None = None,
    released_by=None,
    approved_by=None,
) -> Document:
    """Store a file encrypted. A released document is approved only when a second person's
    approval comes with it (`approved_by`: the packet's or the letter's approver)."""
    document = Document(
        request=record_request,
        kind=kind,
        message=message,
        released_by=_user(released_by),
        approved_by=_user(approved_by),
        approved_at=timezone.now() if _user(approved_by) is not None else None,
        original_name=upload.name[:200],
        content_type=upload.content_type[:100],
        size=len(upload.data),
    )
    document.file.save(
        f"{secrets.token_hex(16)}.bin", ContentFile(crypto.encrypt(upload.data)), save=False
    )
    document.save()
    return document


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


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
    """A clerk puts forward a document to release as it is. It waits for a second clerk's
    approval (`document_approve`); then it shows on the tracking page once the request is ready
    for release and the fees are settled."""
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    if pages is None and upload.content_type == "application/pdf":
        pages = pdf_page_count(upload.data)
    document = store_document(
        record_request=record_request,
        kind=Document.Kind.RELEASED,
        upload=upload,
        released_by=actor,
    )
    if pages:
        document.pages = pages
        document.save(update_fields=["pages"])
    timeline_add(record_request=record_request, action="release", actor=actor, public=False)
    audit_record(
        actor=actor,
        action="records.document.released",
        target=record_request,
        detail={"document": document.pk, "name": document.original_name, "approved": False},
    )
    return document


@transaction.atomic
def document_approve(*, document: Document, actor) -> Document:
    """A second clerk approves a document put forward for release as it is; from now on the
    requester may download it (once the request is ready and the fees are settled)."""
    document = Document.objects.select_for_update().select_related("request").get(pk=document.pk)
    if document.kind != Document.Kind.RELEASED or document.purged_at is not None:
        raise DomainError(
            _("Only a document put forward for release is approved."), code="not_released"
        )
    if document.approved_at is not None:
        raise DomainError(_("This document is approved already."), code="already_approved")
    personnel_release_check(record_request=document.request)  # C.G.S. §1-214(c)
    if _user(actor) is None or actor.pk == document.released_by_id:
        raise DomainError(
            _("Someone other than the clerk who put the document forward must approve it."),
            code="four_eyes",
        )
    document.approved_by = actor
    document.approved_at = timezone.now()
    document.save(update_fields=["approved_by", "approved_at"])
    timeline_add(
        record_request=document.request, action="release_approved", actor=actor, public=False
    )
    audit_record(
        actor=actor,
        action="records.document.approved",
        target=document.request,
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
