"""Keeping people anonymous in the request path, for every page an app registers as anonymous
(`registry.anonymous_paths`; the tip line registers /tips/, and a complaint or service-request
app can register its own).

- The address, X-Forwarded-For, user agent, referrer and client hints of such a request are
  removed from it before any view, log or error report can see them (AnonymityMiddleware, first
  in the chain). Only a keyed hash of the client's address survives (`request.anonymous_client`),
  for abuse throttling. The address is the client's, not the proxy's (`client_address`, which
  reads the X-Forwarded-For entry the trusted proxy appended): keyed on the proxy, one person
  could use up the tip line's limits for the whole town.
- That hash uses a key that rotates every hour (HMAC of SECRET_KEY and the hour, see
  portal/clients.py): after the hour nothing links it to the next one, and the counters keyed on
  it (`client_key`) expire with their window.
- Error reports (Django's technical 500 page, error e-mails) for those URLs carry no request
  headers, no form fields and no local variables (AnonymousExceptionReporterFilter).
"""

import os
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.debug import SafeExceptionReporterFilter

from portal import registry
from portal.clients import address_key, client_address

IDENTIFYING_META = (
    "REMOTE_ADDR",
    "REMOTE_HOST",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_USER_AGENT",
    "HTTP_REFERER",
    "HTTP_SEC_CH_UA",
    "HTTP_SEC_CH_UA_MOBILE",
    "HTTP_SEC_CH_UA_PLATFORM",
)


def is_anonymous_path(path: str) -> bool:
    """Whether `path` (with or without a language prefix) is under a registered anonymous
    prefix. The staff API (/api/v1/tips/) serves staff, who are not anonymous: prefixes match
    from the start of the path only."""
    parts = (path or "").lstrip("/").split("/")
    if parts and parts[0] in {code for code, _name in settings.LANGUAGES}:
        parts = parts[1:]
    unprefixed = "/" + "/".join(parts)
    return any(
        unprefixed.startswith(item.prefix) or unprefixed == item.prefix.rstrip("/")
        for item in registry.anonymous_paths.all()
    )


def address_hash(address: str, *, now: float | None = None) -> str:
    """A keyed hash of `address` that changes every hour and cannot be reversed."""
    return address_key(address, "anonymity", now=now)


class AnonymityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_anonymous_path(request.path_info):
            request.anonymous_client = address_hash(client_address(request))
            for key in IDENTIFYING_META:
                request.META.pop(key, None)
            request.META["REMOTE_ADDR"] = "0.0.0.0"  # noqa: S104 - a placeholder, not a bind
        return self.get_response(request)


def _anonymous(request) -> bool:
    return request is not None and is_anonymous_path(getattr(request, "path_info", "") or "")


class AnonymousExceptionReporterFilter(SafeExceptionReporterFilter):
    """For anonymous URLs, error reports carry neither request headers nor what was typed."""

    def get_safe_request_meta(self, request):
        if _anonymous(request):
            return {}
        return super().get_safe_request_meta(request)

    def get_post_parameters(self, request):
        if _anonymous(request):
            return {}
        return super().get_post_parameters(request)

    def is_active(self, request):
        if _anonymous(request):
            return True
        return super().is_active(request)

    def get_traceback_frame_variables(self, request, tb_frame):
        if _anonymous(request):
            return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
        return super().get_traceback_frame_variables(request, tb_frame)


# --- What anonymous pages and their data share (the tip line, anonymous complaints) ----------


def round_to_hour(moment: datetime) -> datetime:
    """Times about an anonymous resident are kept to the hour: the exact second could be
    matched with a phone's or a building's records."""
    return moment.replace(minute=0, second=0, microsecond=0)


def rounded_now() -> datetime:
    return round_to_hour(timezone.now())


def file_times_to_hour(file: FieldFile, moment: datetime | None = None) -> None:
    """Set a stored file's access and modification times to the start of the hour of `moment`
    (now by default): the file system would otherwise keep the second it arrived. Storages
    without a local path (none in use) are left alone."""
    if not file:
        return
    try:
        path = file.storage.path(file.name)
    except NotImplementedError:
        return
    hour = round_to_hour(moment or timezone.now()).timestamp()
    os.utime(path, (hour, hour))


def private_page(view):
    """Anonymous pages: never cached by a browser or proxy, never leak a referrer, never set a
    cookie of ours (no CSRF cookie: a year-long random cookie would link visits)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response.headers["Cache-Control"] = (
            "no-store, no-cache, must-revalidate, private, max-age=0"
        )
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex"
        return response

    return wrapper
