"""Opening a case and reading its files: refused to anyone without access (complaints/access.py),
and audited (who opened it, and who saw who complained)."""

from django.db import transaction
from django.utils.translation import gettext_lazy

from complaints import access, crypto
from complaints.access import Access
from complaints.models import Complaint, ComplaintAttachment
from complaints.services.common import not_allowed, require
from complaints.services.workflow import _audit
from portal.errors import DomainError
from portal.services.audit import audit_record


@transaction.atomic
def complaint_open(*, actor, complaint: Complaint) -> Access:
    """Record that `actor` opened `complaint` (and whether they saw who complained); refuse
    anyone without access."""
    level = access.access_for(actor, complaint)
    if level is None:
        raise not_allowed()
    _audit(actor, "complaints.complaint.opened", complaint, access=str(level))
    if level == Access.IDENTITY:
        _audit(actor, "complaints.complainant.viewed", complaint)
    elif level == Access.BOARD:
        _audit(actor, "complaints.review.viewed", complaint)
    return level


@transaction.atomic
def attachment_read(*, actor, attachment: ComplaintAttachment) -> tuple[bytes, str]:
    """The clean copy of a resident's file, for internal affairs; audited."""
    require(actor, attachment.complaint, Access.IDENTITY)
    if attachment.status != ComplaintAttachment.Status.CLEAN:
        raise DomainError(
            gettext_lazy("This file is not ready yet."), code="not_ready", conflict=True
        )
    with attachment.clean.open("rb") as handle:
        data = crypto.decrypt_bytes(handle.read())
    audit_record(
        actor=actor,
        action="complaints.attachment.viewed",
        target=attachment.complaint,
        detail={"attachment": attachment.pk},
    )
    return data, attachment.clean_content_type
