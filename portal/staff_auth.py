"""How staff prove who they are, in one place.

- `VerifiedSessionMiddleware`: with STAFF_REQUIRE_2FA on, a session signed in with a password
  alone is no session: `request.user` is anonymous until an authenticator code was given. Admin,
  every staff view (`staff_member_required`, `login_required`), and the API's session
  authentication all read `request.user`, so the rule holds at every door.
- `StaffLoginView`: two_factor's sign-in, which refuses a password for an account with no
  authenticator (such staff enrol through an invitation, portal.services.staff).
- `DemoPasswordBackend`: the demo accounts' published password never signs in when DEBUG=0.
- `StaffTokenAuthentication`: handheld devices' tokens (portal.StaffToken), which expire and can
  be revoked.
- `invitation_accept`: the one-time invitation page.
"""

import base64
import hashlib
import hmac
import io
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from two_factor.views import LoginView

from portal import audit_context
from portal.forms import add_domain_errors
from portal.services import staff

DEMO_PASSWORD = "eastbrook-demo"  # noqa: S105 - the published demo password, refused when DEBUG=0


# --- Verified sessions --------------------------------------------------------------------------


class _UnverifiedAnonymous(AnonymousUser):
    def is_verified(self) -> bool:
        return False


def _verified_or_anonymous(user):
    if user.is_authenticated and not user.is_verified():
        return _UnverifiedAnonymous()
    return user


class VerifiedSessionMiddleware:
    """After django_otp's OTPMiddleware: an unverified session reads as anonymous."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.STAFF_REQUIRE_2FA:
            user = request.user  # lazy: public pages that never ask stay session-free
            request.user = SimpleLazyObject(lambda: _verified_or_anonymous(user))
        # The actor of audit entries written by signal receivers (portal/signals.py).
        with audit_context.acting(request.user):
            return self.get_response(request)


# --- Sign-in ------------------------------------------------------------------------------------


class StaffAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "no_authenticator": _(
            "This account has no authenticator yet. Ask a site administrator for an invitation."
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if settings.STAFF_REQUIRE_2FA and not user_has_device(user):
            raise ValidationError(self.error_messages["no_authenticator"], code="no_authenticator")


class StaffLoginView(LoginView):
    form_list = (
        (LoginView.AUTH_STEP, StaffAuthenticationForm),
        *[step for step in LoginView.form_list if step[0] != LoginView.AUTH_STEP],
    )

    @classmethod
    def get_prefix(cls, request, *args, **kwargs):
        return "login_view"  # two_factor's own, which its templates and clients post


class DemoPasswordBackend:
    """Before ModelBackend: refuses the demo password when DEBUG=0, whoever types it (an
    account created by `demo_setup` on a machine later put into production, or a person who
    chose it). PermissionDenied stops every later backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if (
            not settings.DEBUG
            and password is not None
            and hmac.compare_digest(password.encode(), DEMO_PASSWORD.encode())
        ):
            raise PermissionDenied
        return None

    # No get_user(): a session is never this backend's (force_login and login() skip it).


def username_digest(username: str) -> str:
    """What the audit log keeps of a name typed at a failed sign-in (sometimes a password): a
    keyed hash, the same for the same name, so repeated attempts on one account show as such,
    and no readable text."""
    key = hashlib.sha256(f"portal.failed-sign-in:{settings.SECRET_KEY}".encode()).digest()
    digest = hmac.new(key, username.encode(), hashlib.sha256).hexdigest()
    return f"hmac:{digest[:16]}"


# --- Handheld tokens ----------------------------------------------------------------------------


class StaffTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` against portal.StaffToken (hashed, expiring, revocable)."""

    def authenticate_credentials(self, key):
        token = staff.staff_token_authenticate(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        return token.user, token


# --- Invitations --------------------------------------------------------------------------------

_SESSION_KEY = "staff_invitation_key"


class InvitationForm(SetPasswordForm):
    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _qr_svg(uri: str) -> str:
    buffer = io.BytesIO()
    qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request, key: str):
    """One page: choose a password, add the authenticator, type its code."""
    invitation = staff.invitation_for_key(key)
    if invitation is None:
        raise Http404
    user = invitation.user
    pending = request.session.get(_SESSION_KEY)
    if request.method == "GET" or not pending:
        pending = staff.new_otp_secret()
        request.session[_SESSION_KEY] = pending
    form = InvitationForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = staff.invitation_accept(
                invitation=invitation,
                password=form.cleaned_data["new_password1"],
                secret_hex=pending,
                code=form.cleaned_data["otp_token"],
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            request.session.pop(_SESSION_KEY, None)
            # device.user carries the new password (the session's hash is made from it).
            login(request, device.user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            return redirect("admin:index")
    secret_b32 = base64.b32encode(bytes.fromhex(pending)).decode().rstrip("=")
    uri = (
        f"otpauth://totp/{quote(settings.OTP_TOTP_ISSUER)}:{quote(user.get_username())}"
        f"?secret={secret_b32}&issuer={quote(settings.OTP_TOTP_ISSUER)}&digits=6"
    )
    return render(
        request,
        "two_factor/invitation.html",
        {"form": form, "invited": user, "qr": _qr_svg(uri), "secret": secret_b32},
    )


# --- django-axes --------------------------------------------------------------------------------


def axes_username(request, credentials) -> str | None:
    """What axes counts and stores failures under: the keyed hash of the name typed, never the
    text (people type their password into the name field)."""
    typed = (credentials or {}).get("username")
    if typed is None and request is not None:
        typed = request.POST.get("username") or request.POST.get("auth-username")
    return username_digest(str(typed)) if typed else None
