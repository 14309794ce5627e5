"""Record-check letters: a PDF released to the requester, with a code anyone can check at
/records/verify/ (records/selectors.py `letter_verify`); a letter issued in error is withdrawn,
and the page stops confirming it."""

import secrets
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.errors import DomainError
from portal.services.audit import audit_record
from records import pdf
from records.models import Document, RecordCheckLetter, RecordRequest, RequestKind
from records.services.documents import Upload, store_document

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


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
    data = pdf.letter_pdf(letter_row)
    document = store_document(
        record_request=record_request,
        kind=Document.Kind.RELEASED,
        upload=Upload(
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
        action="records.letter.issued",
        target=record_request,
        detail={"code": letter_row.code, "records_found": records_found},
    )
    return letter_row


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
            action="records.letter.revoked",
            target=letter_row.request,
            detail={"code": letter_row.code, "reason": reason.strip()},
        )
    return letter_row
