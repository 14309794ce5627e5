"""Every action careers writes to the audit log, with its label for the log's filter. The back
office's own added/changed/deleted/viewed are the kernel's (AuditedModelAdmin)."""

from django.utils.translation import gettext_lazy as _

from portal.registry import AuditAction, audit_actions

ACTIONS = [
    ("careers.application.submitted", _("Internship application received")),
    ("careers.application.status_changed", _("Internship application status changed")),
    ("careers.application.noted", _("Internship application notes changed")),
    ("careers.application.cv_downloaded", _("Internship applicant's CV downloaded")),
    # For the entries careers' own purge wrote, still in the log; the purge is the kernel's,
    # which writes "portal.retention.purged".
    ("careers.application.purged", _("Internship application deleted after retention")),
]


def register() -> None:
    for key, label in ACTIONS:
        audit_actions.register(AuditAction(key=key, label=label))
