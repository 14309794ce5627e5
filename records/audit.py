"""Every action the Records Division writes to the audit log, with its label for the log's
filter. The back office's own added/changed/deleted/viewed are the kernel's (AuditedModelAdmin)."""

from django.utils.translation import gettext_lazy as _

from portal.registry import AuditAction, audit_actions

ACTIONS = [
    # A request's lifecycle (records/services/lifecycle.py TRANSITIONS and around it)
    ("records.recordrequest.submitted", _("Record request submitted")),
    ("records.recordrequest.acknowledged", _("Record request acknowledged")),
    ("records.recordrequest.started", _("Record request: work started")),
    ("records.recordrequest.sent_for_review", _("Record request sent for review")),
    ("records.recordrequest.returned_for_work", _("Record request returned for work")),
    ("records.recordrequest.approved", _("Record request approved for release")),
    ("records.recordrequest.paused", _("Record request waiting for the requester")),
    ("records.recordrequest.resumed", _("Record request clock resumed")),
    ("records.recordrequest.closed", _("Record request closed")),
    ("records.recordrequest.assigned", _("Record request assigned")),
    ("records.recordrequest.extended", _("Record request due date extended")),
    ("records.recordrequest.rescheduled", _("Fingerprinting appointment moved")),
    ("records.recordrequest.deemed_denied", _("Record request deemed denied")),
    ("records.recordrequest.exported", _("Record requests exported")),
    # Messages
    ("records.message.received", _("Message from a requester")),
    ("records.message.sent", _("Message to a requester")),
    ("records.note.added", _("Internal note added")),
    # Fees and payment
    ("records.fee.added", _("Fee added")),
    ("records.fee.waived", _("Fee waived")),
    ("records.payment.recorded", _("Payment recorded")),
    ("records.payment.refunded", _("Online payment refunded")),
    ("records.payment.refund_requested", _("Refund of an online payment asked of Stripe")),
    ("records.payment.refund_issued", _("Online payment refunded by a clerk")),
    ("records.payment.refund_failed", _("Refund of an online payment refused by Stripe")),
    (
        "records.payment.refund_stalled",
        _("Refund of an online payment left waiting: Stripe answered none of the automatic tries"),
    ),
    (
        "records.payment.refund_reversed",
        _("Refund of an online payment failed after Stripe made it (the card's bank sent it back)"),
    ),
    ("records.payment.refund_dealt_with", _("Refund that needed a clerk marked as dealt with")),
    ("records.payment.mismatched", _("Online payment of another amount than asked")),
    # Files
    ("records.document.released", _("Document put forward for release")),
    ("records.document.approved", _("Document release approved by a second clerk")),
    ("records.document.viewed", _("Request file opened by staff")),
    ("records.document.downloaded", _("Released document downloaded")),
    ("records.document.purged", _("Identity document deleted")),
    ("records.responsive_record.uploaded", _("Responsive record uploaded")),
    # Redaction and the release packet
    ("records.redaction.added", _("Redaction marked")),
    ("records.redaction.removed", _("Redaction removed")),
    ("records.packet.prepared", _("Release packet prepared")),
    ("records.packet.approved", _("Release packet approved")),
    ("records.packet.approval_voided", _("Release packet approval voided")),
    ("records.packet.queued", _("Release packet queued")),
    ("records.packet.built", _("Release packet built")),
    # Personnel records (C.G.S. §1-214)
    ("records.employee_notice.sent", _("Employee notified of a request for personnel records")),
    ("records.employee_notice.objected", _("Employee's objection recorded")),
    ("records.employee_notice.resolved", _("Employee's objection resolved")),
    # Record-check letters and the fingerprinting calendar
    ("records.letter.prepared", _("Record-check letter prepared")),
    ("records.letter.issued", _("Record-check letter issued")),
    ("records.letter.revoked", _("Record-check letter withdrawn")),
    ("records.fingerprintslot.repeated", _("Fingerprinting times repeated")),
]


def register() -> None:
    for key, label in ACTIONS:
        audit_actions.register(AuditAction(key=key, label=label))
