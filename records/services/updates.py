"""One submission of a request's page in the back office, applied in one transaction:
corrections to the requester's details, a message, an internal note, a fee, a payment, a
record to redact, a document to release as it is. Every door (the admin, an API) calls
`request_update`, so the rules of each part hold whichever door is used; if one part is
refused, nothing of the submission is kept."""

from django.db import transaction

from portal.services.audit import audit_record
from records.models import FeeScheduleItem, RecordRequest
from records.services.documents import Upload, document_release
from records.services.fees import fee_add, payment_record
from records.services.messages import message_from_clerk
from records.services.release import responsive_upload

# What a clerk may correct on a request itself (the rest changes only through its services).
EDITABLE_FIELDS = ("requester_name", "requester_email", "requester_phone", "sent_at")


@transaction.atomic
def request_update(
    *,
    record_request: RecordRequest,
    actor,
    changes: dict | None = None,
    message: str = "",
    internal_note: str = "",
    fee_item: FeeScheduleItem | None = None,
    fee_quantity: int = 1,
    fee_waived: bool = False,
    fee_waiver_reason: str = "",
    payment_method: str = "",
    payment_reference: str = "",
    responsive_file: Upload | None = None,
    release_file: Upload | None = None,
) -> RecordRequest:
    changes = {k: v for k, v in (changes or {}).items() if k in EDITABLE_FIELDS}
    if changes:
        record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
        for name, value in changes.items():
            setattr(record_request, name, value.strip() if isinstance(value, str) else value)
        record_request.full_clean()
        record_request.save(update_fields=[*changes, "updated_at"])
        audit_record(
            actor=actor,
            action="records.recordrequest.changed",
            target=record_request,
            detail={"fields": sorted(changes)},
        )
    if message.strip():
        message_from_clerk(record_request=record_request, body=message, actor=actor)
    if internal_note.strip():
        message_from_clerk(
            record_request=record_request, body=internal_note, actor=actor, internal=True
        )
    if fee_item is not None:
        fee_add(
            record_request=record_request,
            item=fee_item,
            quantity=fee_quantity or 1,
            actor=actor,
            waived=fee_waived,
            waiver_reason=fee_waiver_reason,
        )
    if payment_method:
        payment_record(
            record_request=record_request,
            method=payment_method,
            reference=payment_reference,
            actor=actor,
        )
    if responsive_file is not None:
        responsive_upload(record_request=record_request, upload=responsive_file, actor=actor)
    if release_file is not None:
        document_release(record_request=record_request, upload=release_file, actor=actor)
    record_request.refresh_from_db()
    return record_request
