"""Who is asking, behind the proxy, and how often one client may use a public form.

- `client_address(request)`: the client's address. Behind the documented TLS proxy,
  REMOTE_ADDR is the proxy for everyone; the client is the entry the trusted proxies appended to
  X-Forwarded-For, counted from the right (`TRUSTED_PROXY_COUNT`, 1 by default behind
  `BEHIND_TLS_PROXY`). Entries further left were written by the client and are never trusted.
  Staff sign-in lockouts (axes' `AXES_CLIENT_IP_CALLABLE`) use it.
- `client_key(request, purpose)`: what a throttle counts on. A keyed hash (HMAC) of the address
  under a key derived from SECRET_KEY and the purpose that changes every hour, so it cannot be
  turned back into an address, links nothing across hours or purposes, and is never stored in
  the database: it lives only as part of a cache key that expires with its window. An IPv6
  client is known by its /64 network (one household's prefix). On pages made anonymous
  (portal/anonymity.py) the address is gone before any view runs; the middleware keeps only
  such a hash (`request.anonymous_client`), which the key is made from instead.
- `throttle_allowed(purpose, key, limit, window)` reads a counter without counting, so a view
  can refuse a throttled client before it reads the request body; `throttle_record(purpose, key,
  window)` counts one event, called only once a submission was valid. Windows follow the clock
  (an hour window is a clock hour), counters live in the cache (Redis in production) with their
  window as lifetime. The API's throttles count with it too (portal/throttling.py).
"""

import hashlib
import hmac
import ipaddress
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache

from portal.cache import UNREACHABLE

logger = logging.getLogger(__name__)

ROTATION_SECONDS = 3600
_MAX_ADDRESS = 64


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind `TRUSTED_PROXY_COUNT` proxies the entry the
    outermost trusted proxy appended to X-Forwarded-For. A request with fewer entries than
    trusted proxies did not come through them all and is known by its peer, REMOTE_ADDR."""
    remote = (request.META.get("REMOTE_ADDR") or "")[:_MAX_ADDRESS]
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < count:
        return remote
    return forwarded[-count][:_MAX_ADDRESS]


def _network(address: str) -> str:
    """An IPv6 client is one /64 (a household rotates addresses inside its prefix)."""
    try:
        parsed = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def _hour_key(purpose: str, bucket: int) -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"portal.clients.{purpose}.{bucket}".encode(), hashlib.sha256
    ).digest()


def address_key(address: str, purpose: str, *, now: float | None = None) -> str:
    """A keyed hash of `address` for `purpose` that changes every hour and cannot be reversed."""
    bucket = int((now if now is not None else time.time()) // ROTATION_SECONDS)
    return hmac.new(
        _hour_key(purpose, bucket), _network(address).encode(), hashlib.sha256
    ).hexdigest()[:32]


def client_key(request, purpose: str, *, now: float | None = None) -> str:
    """The key a throttle counts this request's client on, for `purpose` (e.g. "tips.submit")."""
    anonymous = getattr(request, "anonymous_client", None)
    if anonymous is not None:  # the address was removed by AnonymityMiddleware; its hash is left
        return address_key(f"anonymous:{anonymous}", purpose, now=now)
    return address_key(client_address(request), purpose, now=now)


# INCR, and start the window's clock on the first event: one atomic round trip to Redis.
_COUNT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


class _LocalCounters:
    """Counters this process keeps while Redis cannot be reached, so that rate limits and
    lockouts still hold, per process (with N web workers a client gets at most N times a limit),
    instead of not at all: a Redis restart must not open a window for guessing passphrases or
    flooding a form. Each lives as long as its Redis twin would; empty while Redis answers."""

    MAX_KEYS = 100_000  # a flood of distinct keys is cut short, oldest first

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def add(self, key: str, lifetime: int) -> int:
        now = time.monotonic()
        with self._lock:
            count, expires = self._counts.get(key, (0, 0.0))
            if expires <= now:
                count, expires = 0, now + lifetime
            self._counts[key] = (count + 1, expires)
            if len(self._counts) > self.MAX_KEYS:
                self._prune(now)
            return count + 1

    def get(self, key: str) -> int:
        count, expires = self._counts.get(key, (0, 0.0))
        return count if expires > time.monotonic() else 0

    def delete(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()

    def _prune(self, now: float) -> None:
        self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
        for key in list(self._counts)[: max(len(self._counts) - self.MAX_KEYS, 0)]:
            del self._counts[key]


_local = _LocalCounters()


def forget_local_counters() -> None:
    """Drop this process's own counts (the tests start each test without them)."""
    _local.clear()


def counter_add(key: str, lifetime: int) -> int:
    """Add one to the cache counter `key`, which lives `lifetime` seconds from its first event;
    returns the new count (while Redis cannot be reached, this process's own count)."""
    redis_client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if redis_client is not None:  # django's RedisCache: one round trip instead of add + incr
        full_key = cache.make_and_validate_key(key)
        try:
            return int(
                redis_client(full_key, write=True).eval(_COUNT_SCRIPT, 1, full_key, lifetime)
            )
        except UNREACHABLE:
            logger.warning("Redis unreachable: counter %s kept in this process", key.split(":")[0])
            return _local.add(key, lifetime)
    cache.add(key, 0, timeout=lifetime)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=lifetime)
        return 1


def counter_get(key: str) -> int:
    """The count of `key`: Redis's, or this process's while Redis could not be reached (a read
    of an unreachable Redis is a miss, portal/cache.py)."""
    return max(cache.get(key) or 0, _local.get(key))


def counter_delete(key: str) -> None:
    cache.delete(key)
    _local.delete(key)


def _throttle_key(purpose: str, key: str, window: int) -> str:
    return f"throttle:{purpose}:{key}:{int(time.time() // window)}"


def throttle_allowed(purpose: str, key: str, limit: int, window: int) -> bool:
    """Whether `key` has recorded fewer than `limit` events for `purpose` in this window. Counts
    nothing: call it before reading the request body, and `throttle_record` once the submission
    turned out valid."""
    if not key:
        return True
    return counter_get(_throttle_key(purpose, key, window)) < limit


def throttle_record(purpose: str, key: str, window: int) -> int:
    """Count one event of `key` for `purpose` in this window; returns the window's count."""
    if not key:
        return 0
    return counter_add(_throttle_key(purpose, key, window), window)
