"""The API's rate limits, counted as the site's forms count theirs (portal/clients.py).

Django REST framework's own throttles keep each client's request times as a list in the cache.
While Redis cannot be reached every read of that list is a miss and every write is dropped
(portal/cache.py), so they would let everything through for as long as Redis is down. These
classes keep DRF's interface (a `scope`, a `rate` such as "120/minute", `get_cache_key`) but
count with `portal.clients.throttle_record`: one atomic INCR in Redis per request, in a window
that follows the clock (a minute rate is a clock minute), and while Redis cannot be reached the
count this web process keeps, so a client gets at most N times the rate with N web processes
until Redis is back, as with the forms' limits and the passphrase lockouts.

Every API view that throttles names one of these (or a subclass), never DRF's own classes:
`tests/portal/test_api_throttles.py` checks every URL.
"""

from rest_framework import throttling

from portal.clients import client_key, throttle_record

PURPOSE = "api"


class RateThrottle(throttling.SimpleRateThrottle):
    """DRF's `SimpleRateThrottle`, counted by the kernel. A subclass names its `scope` (or
    `rate`) and `get_cache_key(request, view)`, which returns what one client is (None: not
    counted), as with DRF."""

    cache_format = "%(scope)s:%(ident)s"

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        # Counted before it is compared, in one round trip: two requests at the same moment
        # cannot both take the last place. A refused request counts too, which changes
        # nothing: the window's count is already past the limit.
        return throttle_record(PURPOSE, self.key, self.duration) <= self.num_requests

    def wait(self) -> float:
        """Seconds until this clock window ends (DRF's `Retry-After`)."""
        return self.duration - self.now % self.duration


class AnonRateThrottle(RateThrottle, throttling.AnonRateThrottle):
    """Anonymous requests per client: the "anon" rate (`DEFAULT_THROTTLE_RATES`). The client is
    known as the forms know it (`portal.clients.client_key`): the address behind
    `TRUSTED_PROXY_COUNT` proxies, an IPv6 client as its /64, counted under a keyed hash that
    changes every hour, so Redis never holds who read the API. Rates are per minute or per hour:
    a longer window would outlive the hash it counts under."""

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None  # staff are counted by their own throttles, as with DRF's class
        return self.cache_format % {
            "scope": self.scope,
            "ident": client_key(request, f"api.{self.scope}"),
        }
