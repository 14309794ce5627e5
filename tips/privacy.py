"""Keeping tipsters anonymous beyond the request path.

The request itself is made anonymous by the kernel (portal/anonymity.py, for the paths tips
registers in tips/apps.py): no address, user agent or referrer reaches a view, a log or an
error report, and only a keyed, hourly rotating hash of the address is left for throttling.
Here:
- Tip pages are never cached and never send a referrer or a cookie of ours (`private_page`).
- Throttle counters (tips/services/throttles.py, on portal/clients.py) live only in Redis with a
  short TTL (the window), under a key that rotates every hour: after two hours nothing links
  two submissions.
- Wrong passphrases for a tip number are counted under a keyed hash of the number, so the
  counters do not list which numbers exist, and a locked number answers exactly like an unknown one.
"""

import hashlib
import hmac
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import add_never_cache_headers

from portal.clients import counter_add


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


def _number_key(number: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"tips.lockout.{number}".encode(), hashlib.sha256
    ).hexdigest()[:32]
    return f"tips:lockout:{digest}"


def lockout_active(number: str) -> bool:
    return (cache.get(_number_key(number)) or 0) >= settings.TIPS_CHECK_MAX_FAILURES


def lockout_fail(number: str) -> None:
    counter_add(_number_key(number), settings.TIPS_CHECK_LOCKOUT_SECONDS)


def lockout_clear(number: str) -> None:
    cache.delete(_number_key(number))
