"""The API's rate limits count through the kernel (portal/throttling.py), as the site's forms do:
in Redis while it answers, in each web process while it cannot be reached, never not at all."""

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver

from portal import throttling
from tests.factories import DivisionFactory

pytestmark = pytest.mark.django_db

CONTACTS = "/api/v1/contacts/"


@pytest.fixture
def three_a_minute(monkeypatch, time_machine):
    rates = {**throttling.AnonRateThrottle.THROTTLE_RATES, "anon": "3/minute"}
    monkeypatch.setattr(throttling.AnonRateThrottle, "THROTTLE_RATES", rates)
    # Early in a clock minute, so the window does not end halfway through a test.
    time_machine.move_to("2026-12-01 12:00:05+00:00", tick=True)
    DivisionFactory()


def _read(client, address="203.0.113.7"):
    return client.get(CONTACTS, REMOTE_ADDR=address)


def test_api_reads_past_the_rate_are_refused_until_the_clock_window_ends(client, three_a_minute):
    assert [_read(client).status_code for _ in range(3)] == [200, 200, 200]
    refused = _read(client)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 55
    assert _read(client, "203.0.113.8").status_code == 200  # per client, as always


def test_api_read_counters_live_in_redis_with_their_window_as_lifetime(client, three_a_minute):
    _read(client)
    redis = getattr(cache, "_cache", None)
    if redis is None or not hasattr(redis, "get_client"):
        pytest.skip("needs Redis")
    keys = [key for key in redis.get_client().keys("*") if b":throttle:api:" in key]
    assert len(keys) == 1
    assert 0 < redis.get_client().ttl(keys[0]) <= 60


def test_api_read_counters_keep_no_client_address(client, three_a_minute):
    """As the forms' limits: the API counts a keyed, hourly-rotated hash of the client's address,
    never the address itself (which Redis would otherwise hold for everyone who read the API)."""
    _read(client, "203.0.113.7")
    _read(client, "2001:db8:1:2::7")
    redis = getattr(cache, "_cache", None)
    if redis is None or not hasattr(redis, "get_client"):
        pytest.skip("needs Redis")
    keys = [key for key in redis.get_client().keys("*") if b":throttle:api:" in key]
    assert len(keys) == 2
    for key in keys:
        assert b"203.0.113" not in key
        assert b"2001:db8" not in key and b"2001" not in key


def test_api_reads_stay_throttled_while_redis_is_cut(client, three_a_minute, cache_proxy):
    assert _read(client).status_code == 200  # counted in Redis
    cache_proxy.stop()
    # This process counts on its own from the cut: with N web workers, at most N times the rate.
    assert [_read(client).status_code for _ in range(3)] == [200, 200, 200]
    assert _read(client).status_code == 429
    assert _read(client, "203.0.113.8").status_code == 200


def test_api_reads_are_counted_in_redis_again_once_it_is_back(client, three_a_minute, cache_proxy):
    cache_proxy.stop()
    assert _read(client).status_code == 200
    cache_proxy.start()
    assert [_read(client).status_code for _ in range(3)] == [200, 200, 200]
    assert _read(client).status_code == 429


def _views(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "cls", None)  # DRF's as_view() sets it
            if view is not None:
                yield pattern, view


def test_every_api_view_throttles_through_the_kernel():
    """A rule lives in one place: an API view that throttles counts with a kernel class, so no
    endpoint goes back to DRF's cache lists, which count nothing while Redis is down."""
    throttled = {}
    for pattern, view in _views(get_resolver().url_patterns):
        for throttle in view.throttle_classes:
            throttled[f"{view.__module__}.{view.__qualname__}"] = throttle
            assert issubclass(throttle, throttling.RateThrottle), (pattern, view, throttle)
    assert len(throttled) >= 5  # the kernel's, programs', careers' and Open311's public reads
