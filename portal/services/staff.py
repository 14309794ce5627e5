"""Staff access: one-time invitations, handheld tokens, who may manage whose account.

Rules (issue 13, finding 3):
- With STAFF_REQUIRE_2FA on, a session counts only once a second factor was given
  (portal.staff_auth.VerifiedSessionMiddleware). A staff member therefore enrols through a
  one-time invitation a site administrator creates: the link sets a password and an
  authenticator together; a password-only session can enrol nothing.
- An invitation works once, for STAFF_INVITATION_HOURS. Only its SHA-256 is stored.
- A handheld's token is shown once, stored as a SHA-256, expires after STAFF_TOKEN_DAYS and can
  be revoked; issuing and revoking are audited.
- A site administrator who is not a superuser may not invite (and so take over) a superuser or a
  member of a sensitive group (portal.roles.is_sensitive_user).
"""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import roles
from portal.errors import DomainError
from portal.links import absolute_url
from portal.services.audit import audit_record
from portal.services.keys import hashed_key_authenticate, hashed_key_revoke
from portal.staff_models import StaffInvitation, StaffToken, key_hash

__all__ = [
    "ValidationError",
    "invitation_accept",
    "invitation_create",
    "invitation_for_key",
    "may_manage",
    "staff_token_authenticate",
    "staff_token_issue",
    "staff_token_revoke",
]


def may_manage(*, actor, user) -> bool:
    """May `actor` invite, reset or change `user`'s access? Superusers manage everyone;
    others no superuser and no member of a sensitive group."""
    if actor is None or getattr(actor, "is_superuser", False):
        return True
    return not roles.is_sensitive_user(user)


# --- Invitations --------------------------------------------------------------------------------


@transaction.atomic
def invitation_create(*, user, actor) -> tuple[StaffInvitation, str]:
    """A new one-time invitation for `user` and its link (shown once, never stored)."""
    if not may_manage(actor=actor, user=user):
        raise DomainError(
            _("Only a superuser may invite a superuser or a member of a sensitive group."),
            code="invitation_not_allowed",
        )
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    # Earlier invitations of this person stop working: one link at a time.
    StaffInvitation.objects.filter(user=user, accepted_at__isnull=True).update(expires_at=now)
    invitation = StaffInvitation(
        user=user,
        key_hash=key_hash(key),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now,
        expires_at=now + datetime.timedelta(hours=settings.STAFF_INVITATION_HOURS),
    )
    invitation.save()
    audit_record(actor=actor, action="portal.invitation.created", target=invitation)
    return invitation, absolute_url(reverse("staff-invitation", args=[key]))


def invitation_for_key(key: str) -> StaffInvitation | None:
    """The usable invitation behind `key`, or None (unknown, used or expired)."""
    invitation = (
        StaffInvitation.objects.select_related("user").filter(key_hash=key_hash(key)).first()
    )
    if invitation is None or not invitation.usable or not invitation.user.is_active:
        return None
    return invitation


def otp_code_valid(secret_hex: str, code: str) -> bool:
    try:
        return TOTP(bytes.fromhex(secret_hex)).verify(int(code), tolerance=1)
    except (TypeError, ValueError):
        return False


@transaction.atomic
def invitation_accept(
    *, invitation: StaffInvitation, password: str, secret_hex: str, code: str
) -> TOTPDevice:
    """Set the password and the authenticator the invitation was for, and spend it."""
    invitation = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.usable:
        raise DomainError(_("This invitation is no longer valid."), code="invitation_used")
    if not otp_code_valid(secret_hex, code):
        raise DomainError(
            _("That code is not right. Check the time on your phone and try again."),
            code="otp_invalid",
            field="otp_token",
        )
    user = invitation.user
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    # Any authenticator from before (a lost phone) stops working.
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="default", key=secret_hex, confirmed=True)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(actor=user, action="portal.invitation.accepted", target=invitation)
    return device


# --- Handheld tokens ----------------------------------------------------------------------------


@transaction.atomic
def staff_token_issue(*, user, name: str, actor, days: int | None = None) -> tuple[StaffToken, str]:
    """A new token for one device; the key is returned once and never stored."""
    if not may_manage(actor=actor, user=user):
        raise DomainError(
            _("Only a superuser may issue a token to a superuser or a sensitive group member."),
            code="token_not_allowed",
        )
    now = timezone.now()
    token = StaffToken(
        user=user,
        name=name,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now,
        expires_at=now + datetime.timedelta(days=days or settings.STAFF_TOKEN_DAYS),
    )
    key = token.set_new_key()
    token.full_clean()
    token.save()
    audit_record(actor=actor, action="portal.stafftoken.issued", target=token)
    return token, key


def staff_token_revoke(*, token: StaffToken, actor) -> None:
    hashed_key_revoke(token, actor=actor, action="portal.stafftoken.revoked")


def staff_token_authenticate(key: str) -> StaffToken | None:
    """The active token behind `key` (its user loaded), or None. Notes the last use, at most
    once every few minutes, so a busy handheld does not write on every request."""
    token = hashed_key_authenticate(StaffToken.objects.select_related("user"), key)
    if token is None or not token.user.is_active:
        return None
    return token


def new_otp_secret() -> str:
    """A fresh TOTP secret (hex, as django_otp stores it)."""
    return secrets.token_hex(20)
