"""Kernel receivers: staff sign-ins and sign-outs go to the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from portal.services.audit import audit_record


@receiver(user_logged_in, dispatch_uid="portal.audit_login")
def _audit_login(sender, request, user, **kwargs):
    audit_record(actor=user, action="auth.signed_in")


@receiver(user_logged_out, dispatch_uid="portal.audit_logout")
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="auth.signed_out")


@receiver(user_login_failed, dispatch_uid="portal.audit_login_failed")
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit_record(actor=None, action="auth.sign_in_failed", actor_label=username)


def _watch_public_content() -> None:
    """What the public pages show of the kernel: a change in admin shows on the next visit
    (the whole-page cache starts a new generation)."""
    from portal import models
    from portal.services import page_cache

    page_cache.watch(
        models.DepartmentSettings,
        models.Division,
        models.Officer,
        models.Neighborhood,
        models.Street,
    )


_watch_public_content()
