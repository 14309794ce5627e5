"""A small throttle per e-mail address for the public forms that send e-mail (sign-ups and
subscriptions), so nobody can use them to flood someone's mailbox.

The key is a keyed hash of the normalised address (the address itself is never stored in the
cache), counted in fixed windows. Only valid submissions are counted: the services call this
after the form's checks. A stand-in: the kernel's throttle service (portal/clients.py, issue
13 finding 5) was not on main when this was written. Once this branch meets it, the body of
`address_allowed` becomes `throttle_allowed(purpose, key, limit, window)` and, when allowed,
`throttle_record(purpose, key, window)`, with `key = address_key(email.strip().lower(),
purpose)` and purpose `"programs." + scope`.
"""

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache


def _address_key(scope: str, email: str, bucket: int) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"programs.throttle:{email.strip().lower()}".encode(),
        hashlib.sha256,
    ).hexdigest()[:32]
    return f"programs:throttle:{scope}:{digest}:{bucket}"


def address_allowed(*, scope: str, email: str, limit: int, window_seconds: int = 3600) -> bool:
    """Count one use of `scope` by `email`; False once more than `limit` fall in the window."""
    key = _address_key(scope, email, int(time.time() // window_seconds))
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count <= limit
