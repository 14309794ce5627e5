"""Every action complaints writes to the audit log, with its label for the log's filter. The
back office's own added/changed/deleted/viewed are the kernel's (AuditedModelAdmin)."""

from django.utils.translation import gettext_lazy as _

from portal.registry import AuditAction, audit_actions

ACTIONS = [
    ("complaints.complaint.entered", _("Complaint entered by staff")),
    ("complaints.complaint.opened", _("Complaint opened")),
    ("complaints.complainant.viewed", _("Complainant's identity read")),
    ("complaints.complaint.classified", _("Complaint classified")),
    ("complaints.complaint.assigned", _("Complaint assigned")),
    ("complaints.complaint.moved", _("Complaint moved to another stage")),
    ("complaints.allegation.added", _("Allegation added")),
    ("complaints.allegation.found", _("Finding made on an allegation")),
    ("complaints.step.added", _("Investigation step recorded")),
    ("complaints.step.completed", _("Investigation step completed")),
    ("complaints.complaint.outcome_recorded", _("Outcome recorded")),
    ("complaints.complaint.closed", _("Complaint closed")),
    ("complaints.message.sent", _("Message sent to a complainant")),
    ("complaints.attachment.viewed", _("Complaint file opened")),
    ("complaints.commendation.delivered", _("Commendation delivered")),
    ("complaints.review.viewed", _("Closed case read by the review board")),
    ("complaints.review.recorded", _("Board review recorded")),
    ("complaints.officer.linked", _("Officer identified on a case")),
]


def register() -> None:
    for key, label in ACTIONS:
        audit_actions.register(AuditAction(key=key, label=label))
