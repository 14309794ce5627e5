"""Site-wide request handling: maintenance mode, the remembered language, the department's
time zone, and a calm 503 page when the database is unreachable."""

import logging
import zoneinfo

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from portal.localtime import department_zone
from portal.redirects import is_local_location
from portal.views import service_unavailable

logger = logging.getLogger(__name__)

_EXEMPT_PREFIXES = ("/healthz/", "/static/", "/media/")


class MaintenanceModeMiddleware:
    """MAINTENANCE_MODE=1 answers every public request with the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.MAINTENANCE_MODE and not request.path.startswith(_EXEMPT_PREFIXES):
            return service_unavailable(request, database=False)
        return self.get_response(request)


class PreferredLanguageMiddleware:
    """A resident who chose Spanish and then follows an English link or a printed URL
    (/tips/) is taken to the Spanish page: the choice is remembered in the language cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        unprefixed = translation.get_language_from_path(request.path_info) is None
        if (
            request.method in ("GET", "HEAD")
            and unprefixed
            and chosen
            and chosen != settings.LANGUAGE_CODE
            and chosen in dict(settings.LANGUAGES)
        ):
            target = translate_url(request.get_full_path(), chosen)
            # "//evil.example/" is a path to us and another host to a browser: only a
            # normalised local path is translated and followed (portal/redirects.py).
            if target != request.get_full_path() and is_local_location(target):
                response = HttpResponseRedirect(target)
                patch_vary_headers(response, ["Cookie"])
                return response
        response = self.get_response(request)
        if unprefixed:
            patch_vary_headers(response, ["Cookie"])
        return response


class DepartmentTimezoneMiddleware:
    """Show times in the department's own time zone (set in admin)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            timezone.activate(department_zone())
        except (OperationalError, InterfaceError):
            timezone.activate(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        except Exception:
            logger.exception("Department time zone could not be activated")
            timezone.activate(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class ServiceUnavailableMiddleware:
    """The database is down: say so plainly, with the phone numbers, instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.error("Database unavailable: %s", type(exception).__name__)
            return service_unavailable(request, database=True)
        return None
