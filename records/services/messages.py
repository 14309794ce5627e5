"""Messages between the requester and the Records Division. A clerk's message is a written
response under C.G.S. §1-206(a) (it stops the first-answer clock); an internal note is never
shown to the requester."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.errors import DomainError
from portal.services.audit import audit_record
from portal.services.notifications import notification_enqueue
from records.models import Document, Message, RecordRequest
from records.services.common import notify_requester, timeline_add
from records.services.documents import Upload, store_document


@transaction.atomic
def message_from_requester(
    *, record_request: RecordRequest, body: str, uploads: list[Upload] | None = None
) -> Message:
    """The requester writes to the clerk from the tracking page (with files, if any)."""
    body = body.strip()
    if not body and not uploads:
        raise DomainError(_("Write a message or attach a file."), code="empty", field="body")
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    if not record_request.is_open:
        raise DomainError(
            _("This request is closed. To ask for something else, send a new request."),
            code="closed",
        )
    message = Message(request=record_request, author=Message.Author.REQUESTER, body=body or "-")
    message.full_clean()
    message.save()
    for upload in uploads or []:
        store_document(
            record_request=record_request,
            kind=Document.Kind.REQUESTER_UPLOAD,
            upload=upload,
            message=message,
        )
    timeline_add(record_request=record_request, action="requester_message")
    audit_record(
        actor=None,
        action="records.message.received",
        target=record_request,
        detail={"files": len(uploads or [])},
        actor_label="requester",
    )
    clerk = record_request.assigned_to
    if clerk is not None and clerk.email:
        notification_enqueue(
            channel="email",
            recipient=clerk.email,
            subject=f"{record_request.tracking_number}: new message from the requester",
            body=f"The requester of {record_request.tracking_number} wrote a message. "
            "Read it in the Records queue.",
            language="en",
        )
    return message


@transaction.atomic
def message_from_clerk(
    *, record_request: RecordRequest, body: str, actor: AbstractBaseUser, internal: bool = False
) -> Message:
    """A clerk writes to the requester (e-mailed, and a written response under §1-206), or
    adds an internal note the requester never sees."""
    body = body.strip()
    if not body:
        raise DomainError(_("Write a message."), code="empty", field="body")
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    message = Message(
        request=record_request,
        author=Message.Author.NOTE if internal else Message.Author.CLERK,
        staff=actor,
        body=body,
    )
    message.full_clean()
    message.save()
    audit_record(
        actor=actor,
        action="records.note.added" if internal else "records.message.sent",
        target=record_request,
    )
    if not internal:
        timeline_add(record_request=record_request, action="clerk_message", actor=actor)
        if record_request.first_response_at is None:
            record_request.first_response_at = timezone.now()
            record_request.save(update_fields=["first_response_at", "updated_at"])
        notify_requester(
            record_request=record_request,
            subject=gettext_lazy("A message about your request %(number)s"),
            body=gettext_lazy("The Records Division wrote to you:\n\n%(message)s"),
            message=body,
        )
    return message
