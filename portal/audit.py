"""The kernel's audit actions (each feature app lists its own in its `audit.py`)."""

from django.utils.translation import gettext_lazy as _

from portal.registry import AuditAction, audit_actions


def register() -> None:
    for key, label in [
        ("auth.signed_in", _("Staff signed in")),
        ("auth.signed_out", _("Staff signed out")),
        ("auth.sign_in_failed", _("Sign-in failed")),
        ("portal.notification.retried", _("Notification retried")),
        ("portal.invitation.created", _("Staff invitation created")),
        ("portal.invitation.accepted", _("Staff invitation accepted")),
        ("portal.stafftoken.issued", _("Device token issued")),
        ("portal.stafftoken.revoked", _("Device token revoked")),
        ("auth.user.groups_changed", _("Staff member's groups changed")),
        ("auth.user.permissions_changed", _("Staff member's permissions changed")),
        ("auth.group.permissions_changed", _("Group's permissions changed")),
        ("portal.accountabilityreport.requested", _("Accountability report asked for")),
        ("portal.retention.purged", _("Records purged under the retention schedule")),
        ("portal.retentionpolicy.changed", _("Retention period changed")),
        ("portal.legal_hold.placed", _("Legal hold placed")),
        ("portal.legal_hold.lifted", _("Legal hold lifted")),
    ]:
        audit_actions.register(AuditAction(key=key, label=label))
