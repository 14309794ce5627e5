"""Every action service requests write to the audit log, with its label for the log's filter.
The back office's own added/changed/deleted/viewed are the kernel's (AuditedModelAdmin)."""

from django.utils.translation import gettext_lazy as _

from portal.registry import AuditAction, audit_actions

ACTIONS = [
    ("service_requests.request.submitted", _("Service request submitted")),
    ("service_requests.request.acknowledged", _("Service request acknowledged")),
    ("service_requests.request.started", _("Service request: work started")),
    ("service_requests.request.closed", _("Service request closed")),
    ("service_requests.request.reopened", _("Service request reopened")),
    ("service_requests.request.assigned", _("Service request assigned")),
    ("service_requests.request.merged", _("Duplicate service request merged")),
    ("service_requests.request.followed", _("Service request followed by a resident")),
    ("service_requests.note.added", _("Internal note added to a service request")),
    ("service_requests.message.sent", _("Message sent to a service request's resident")),
    ("service_requests.digest.sent", _("Service request digest sent to a supervisor")),
]


def register() -> None:
    for order, (key, label) in enumerate(ACTIONS):
        audit_actions.register(AuditAction(key=key, label=label, order=300 + order))
