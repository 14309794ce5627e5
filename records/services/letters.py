"""Record-check letters: a PDF released to the requester, with a code anyone can check at
/records/verify/ (records/selectors.py `letter_verify`); a letter issued in error is withdrawn,
and the page stops confirming it.

Two people for every release (department policy; issue 13): one clerk prepares the letter (the
result of the check), another issues it; the one who prepared it cannot issue it."""

import secrets
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.errors import DomainError
from portal.services.audit import audit_record
from records import pdf, selectors
from records.models import Document, RecordCheckLetter, RecordRequest, RequestKind
from records.services.documents import Upload, store_document
from records.services.personnel import personnel_release_check

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _letter_code() -> str:
    while True:
        code = "-".join("".join(secrets.choice(_CODE_ALPHABET) for _ in range(4)) for _ in range(3))
        if not RecordCheckLetter.objects.filter(code=code).exists():
            return code


@transaction.atomic
def letter_prepare(
    *, record_request: RecordRequest, records_found: bool, actor
) -> RecordCheckLetter:
    """A clerk prepares the record-check letter (the result of the check). Nothing reaches the
    requester, and /records/verify/ does not confirm it, until another clerk issues it."""
    if record_request.kind != RequestKind.RECORD_CHECK:
        raise DomainError(_("Letters are for record checks."), code="not_record_check")
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    if selectors.letter_awaiting_issue(record_request=record_request) is not None:
        raise DomainError(
            _("A letter is already waiting to be issued: issue or withdraw it first."),
            code="letter_pending",
        )
    dob = record_request.details.get("date_of_birth")
    letter_row = RecordCheckLetter(
        request=record_request,
        code=_letter_code(),
        subject_name=record_request.requester_name,
        date_of_birth=date.fromisoformat(dob) if dob else None,
        records_found=records_found,
        prepared_at=timezone.now(),
        prepared_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    letter_row.save()
    audit_record(
        actor=actor,
        action="records.letter.prepared",
        target=record_request,
        detail={"letter": letter_row.pk, "records_found": records_found},
    )
    return letter_row


@transaction.atomic
def letter_issue(*, letter_row: RecordCheckLetter, actor) -> RecordCheckLetter:
    """A second clerk issues a prepared letter: the PDF is generated and released to the
    requester with a code anyone can check at /records/verify/."""
    letter_row = (
        RecordCheckLetter.objects.select_for_update()
        .select_related("request")
        .get(pk=letter_row.pk)
    )
    if letter_row.issued_at is not None or letter_row.revoked_at is not None:
        raise DomainError(_("This letter is not waiting to be issued."), code="not_pending")
    if not getattr(actor, "is_authenticated", False) or actor.pk == letter_row.prepared_by_id:
        raise DomainError(
            _("Someone other than the clerk who prepared the letter must issue it."),
            code="four_eyes",
        )
    record_request = letter_row.request
    personnel_release_check(record_request=record_request)  # C.G.S. §1-214(c)
    letter_row.issued_by = actor
    letter_row.issued_at = timezone.now()
    letter_row.save(update_fields=["issued_by", "issued_at"])
    data = pdf.letter_pdf(letter_row)
    document = store_document(
        record_request=record_request,
        kind=Document.Kind.RELEASED,
        upload=Upload(
            name=f"{record_request.tracking_number}-record-check.pdf",
            content_type="application/pdf",
            data=data,
        ),
        released_by=letter_row.prepared_by,
        approved_by=actor,
    )
    document.pages = 1
    document.save(update_fields=["pages"])
    letter_row.document = document
    letter_row.save(update_fields=["document"])
    audit_record(
        actor=actor,
        action="records.letter.issued",
        target=record_request,
        detail={"code": letter_row.code, "records_found": letter_row.records_found},
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
