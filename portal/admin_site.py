"""The staff back office: Django admin, with a second factor required in production."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    site_header = _("Police community portal: staff")
    site_title = _("Staff back office")
    index_title = _("Work queues and site content")

    def has_permission(self, request) -> bool:
        if not super().has_permission(request):
            return False
        if settings.STAFF_REQUIRE_2FA:
            return request.user.is_verified()
        return True

    def login(self, request, extra_context=None):
        if not settings.STAFF_REQUIRE_2FA:
            return super().login(request, extra_context)
        # Password and one-time code, in two_factor's sign-in wizard. A staff member with no
        # authenticator yet enrols through an invitation (portal/services/staff.py): a
        # password-only session reads as anonymous (portal.staff_auth).
        redirect_to = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME))
        if not redirect_to or not url_has_allowed_host_and_scheme(
            url=redirect_to, allowed_hosts={request.get_host()}
        ):
            redirect_to = resolve_url(settings.LOGIN_REDIRECT_URL)
        return redirect_to_login(redirect_to)
