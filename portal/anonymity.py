"""Keeping people anonymous in the request path, for every page an app registers as anonymous
(`registry.anonymous_paths`; the tip line registers /tips/, and a complaint or service-request
app can register its own).

- The address, X-Forwarded-For, user agent, referrer and client hints of such a request are
  removed from it before any view, log or error report can see them (AnonymityMiddleware, first
  in the chain). Only a keyed hash of the address survives (`request.anonymous_client`), for
  abuse throttling.
- That hash uses a key that rotates every hour (HMAC of SECRET_KEY and the hour): after the hour
  nothing links it to the next one, and the counters keyed on it expire with their window.
- Error reports (Django's technical 500 page, error e-mails) for those URLs carry no request
  headers, no form fields and no local variables (AnonymousExceptionReporterFilter).
"""

import hashlib
import hmac
import time

from django.conf import settings
from django.views.debug import SafeExceptionReporterFilter

from portal import registry

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
ROTATION_SECONDS = 3600


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


def _rotating_key(bucket: int) -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"tips.throttle.{bucket}".encode(), hashlib.sha256
    ).digest()


def address_hash(address: str, *, now: float | None = None) -> str:
    """A keyed hash of `address` that changes every hour and cannot be reversed."""
    bucket = int((now if now is not None else time.time()) // ROTATION_SECONDS)
    return hmac.new(_rotating_key(bucket), address.encode(), hashlib.sha256).hexdigest()[:32]


class AnonymityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_anonymous_path(request.path_info):
            address = request.META.get("REMOTE_ADDR", "") or ""
            request.anonymous_client = address_hash(address)
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
