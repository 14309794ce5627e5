"""The kernel's audit actions (each feature app lists its own in its `audit.py`)."""

from django.utils.translation import gettext_lazy as _

from portal.registry import AuditAction, audit_actions


def register() -> None:
    for key, label in [
        ("auth.signed_in", _("Staff signed in")),
        ("auth.signed_out", _("Staff signed out")),
        ("auth.sign_in_failed", _("Sign-in failed")),
        ("portal.notification.retried", _("Notification retried")),
    ]:
        audit_actions.register(AuditAction(key=key, label=label))
