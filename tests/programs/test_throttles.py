"""The per-address throttle of the programs' public forms counts first and compares the count
it got back (one round trip to Redis), so requests at the same moment cannot share the last
place: the rule is the kernel's API throttles' (portal/throttling.py)."""

import threading
import time

import pytest
from django.conf import settings

from portal.clients import address_key, counter_get
from programs.services.throttles import address_allowed

pytestmark = pytest.mark.skipif(
    "redis" not in settings.CACHES["default"]["BACKEND"].lower(),
    reason="needs Redis under the cache (REDIS_URL)",
)


def test_requests_at_the_same_moment_cannot_share_the_last_place():
    limit, racers = 3, 16
    for round_ in range(10):  # a race shows only sometimes: run it often enough to see it
        email = f"racer{round_}@example.org"
        for _ in range(limit - 1):
            assert address_allowed(scope="test", email=email, limit=limit)
        assert _race(email, limit, racers).count(True) == 1


def _race(email: str, limit: int, racers: int) -> list[bool]:
    start = threading.Barrier(racers)
    allowed = []

    def race():
        start.wait()
        allowed.append(address_allowed(scope="test", email=email, limit=limit))

    threads = [threading.Thread(target=race) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return allowed


def test_a_refused_use_is_counted_too_and_changes_nothing():
    email, limit = "busy@example.org", 2
    assert [address_allowed(scope="test", email=email, limit=limit) for _ in range(4)] == [
        True,
        True,
        False,
        False,
    ]
    key = address_key(email, "programs.test")
    # Counted before compared: the window's count already passed the limit, so refusals stay.
    window = int(time.time() // 3600)
    assert counter_get(f"throttle:programs.test:{key}:{window}") == 4
