"""Keeping tipsters anonymous in the request path.

Rules:
- The address, X-Forwarded-For, user agent and referrer of a request to the tip line are removed
  from the request before any view, log or error report can see them (TipAnonymityMiddleware,
  first in the chain). Only a keyed hash of the address survives, for abuse throttling.
- That hash uses a key that rotates every hour (HMAC of SECRET_KEY and the hour), and the counters
  live only in Redis with a short TTL: after two hours nothing links two submissions.
- Wrong passphrases for a tip number are counted under a keyed hash of the number, so the
  counters do not list which numbers exist, and a locked number answers exactly like an unknown one.
- Error reports (Django's technical 500 page, error e-mails) for tip URLs carry no request
  headers and no form fields (TipExceptionReporterFilter).
"""

import hashlib
import hmac
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import add_never_cache_headers
from django.views.debug import SafeExceptionReporterFilter

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


def is_tip_path(path: str) -> bool:
    parts = path.lstrip("/").split("/")
    if parts and parts[0] in {code for code, _ in settings.LANGUAGES}:
        parts = parts[1:]
    # The staff API (/api/v1/tips/) serves staff, who are not anonymous.
    return parts[:1] == ["tips"]


def _rotating_key(bucket: int) -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"tips.throttle.{bucket}".encode(), hashlib.sha256
    ).digest()


def address_hash(address: str, *, now: float | None = None) -> str:
    bucket = int((now if now is not None else time.time()) // ROTATION_SECONDS)
    return hmac.new(_rotating_key(bucket), address.encode(), hashlib.sha256).hexdigest()[:32]


class TipAnonymityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_tip_path(request.path_info):
            address = request.META.get("REMOTE_ADDR", "") or ""
            request.tips_client = address_hash(address)
            for key in IDENTIFYING_META:
                request.META.pop(key, None)
            request.META["REMOTE_ADDR"] = "0.0.0.0"  # noqa: S104 - a placeholder, not a bind
        return self.get_response(request)


def private_page(view):
    """Tip pages: never cached by a browser or proxy, never leak a referrer, never set a cookie
    of ours (no CSRF cookie: a year-long random cookie would link visits; see tips/views.py)."""

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


# INCR, and start the window's clock on the first event: one atomic round trip to Redis.
_COUNT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


def _count(key: str, window: int) -> int:
    redis_client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if redis_client is not None:  # django's RedisCache: one round trip instead of add + incr
        full_key = cache.make_and_validate_key(key)
        return int(redis_client(full_key, write=True).eval(_COUNT_SCRIPT, 1, full_key, window))
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def throttle_hit(*, scope: str, client: str, limit: int, window: int) -> bool:
    """Count one event; True while the client is within `limit` events per `window` seconds."""
    return _count(f"tips:throttle:{scope}:{client}", window) <= limit


def _number_key(number: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"tips.lockout.{number}".encode(), hashlib.sha256
    ).hexdigest()[:32]
    return f"tips:lockout:{digest}"


def lockout_active(number: str) -> bool:
    return (cache.get(_number_key(number)) or 0) >= settings.TIPS_CHECK_MAX_FAILURES


def lockout_fail(number: str) -> None:
    _count(_number_key(number), settings.TIPS_CHECK_LOCKOUT_SECONDS)


def lockout_clear(number: str) -> None:
    cache.delete(_number_key(number))


class TipExceptionReporterFilter(SafeExceptionReporterFilter):
    """For tip URLs, error reports carry neither request headers nor what was typed."""

    def get_safe_request_meta(self, request):
        if request is not None and is_tip_path(getattr(request, "path_info", "") or ""):
            return {}
        return super().get_safe_request_meta(request)

    def get_post_parameters(self, request):
        if request is not None and is_tip_path(getattr(request, "path_info", "") or ""):
            return {}
        return super().get_post_parameters(request)

    def is_active(self, request):
        if request is not None and is_tip_path(getattr(request, "path_info", "") or ""):
            return True
        return super().is_active(request)

    def get_traceback_frame_variables(self, request, tb_frame):
        if request is not None and is_tip_path(getattr(request, "path_info", "") or ""):
            return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
        return super().get_traceback_frame_variables(request, tb_frame)
