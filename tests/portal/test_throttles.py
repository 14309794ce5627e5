"""Who a client is behind the proxy, and the one throttle every public form counts with."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from portal.clients import (
    address_key,
    client_address,
    client_key,
    throttle_allowed,
    throttle_record,
)
from tests.factories import UserFactory

PROXY = "10.0.0.2"


def _request(forwarded: str | None = None, remote: str = PROXY):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_behind_one_proxy_the_client_is_the_entry_the_proxy_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request("203.0.113.7")) == "203.0.113.7"
    # Whatever the client wrote itself comes first; the proxy appends what it saw.
    assert client_address(_request("198.51.100.1, 203.0.113.7")) == "203.0.113.7"
    assert client_address(_request(" 1.1.1.1,2.2.2.2 , 203.0.113.7 ")) == "203.0.113.7"


def test_behind_two_proxies_the_client_is_second_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    forwarded = "198.51.100.1, 203.0.113.7, 192.0.2.10"  # forged, client, outer proxy
    assert client_address(_request(forwarded)) == "203.0.113.7"


def test_without_a_proxy_forwarded_headers_are_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(_request("203.0.113.7", remote="192.0.2.55")) == "192.0.2.55"


def test_a_request_that_bypassed_the_proxy_chain_is_known_by_its_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(_request("203.0.113.7")) == PROXY
    assert client_address(_request()) == PROXY


def test_the_proxy_count_follows_behind_tls_proxy_by_default(settings):
    behind_proxy, proxies = settings.SECURE_PROXY_SSL_HEADER, settings.TRUSTED_PROXY_COUNT
    assert proxies == (1 if behind_proxy else 0)


def test_client_keys_are_keyed_per_purpose_rotate_hourly_and_hide_the_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    now = 1_700_000_000.0
    one = client_key(_request("203.0.113.7"), "tips.submit", now=now)
    assert one == client_key(_request("9.9.9.9, 203.0.113.7"), "tips.submit", now=now + 1)
    assert one != client_key(_request("203.0.113.8"), "tips.submit", now=now)
    assert one != client_key(_request("203.0.113.7"), "tips.check", now=now)
    assert one != client_key(_request("203.0.113.7"), "tips.submit", now=now + 3600)
    assert "203" not in one and "113" not in one


def test_one_ipv6_network_is_one_client():
    now = 1_700_000_000.0
    first = address_key("2001:db8:1:2::1", "x", now=now)
    assert first == address_key("2001:db8:1:2:ffff::9", "x", now=now)
    assert first != address_key("2001:db8:1:3::1", "x", now=now)


def test_an_anonymised_request_is_keyed_by_the_hash_the_middleware_left(settings):
    request = _request()
    request.anonymous_client = "a" * 32
    other = _request()
    other.anonymous_client = "b" * 32
    assert client_key(request, "tips.submit") != client_key(other, "tips.submit")


def test_a_throttle_counts_only_what_is_recorded_and_forgets_after_its_window():
    assert throttle_allowed("test.form", "k1", limit=2, window=60)
    assert throttle_record("test.form", "k1", window=60) == 1
    assert throttle_allowed("test.form", "k1", limit=2, window=60)
    assert throttle_record("test.form", "k1", window=60) == 2
    assert not throttle_allowed("test.form", "k1", limit=2, window=60)
    assert throttle_allowed("test.form", "k2", limit=2, window=60)
    assert throttle_allowed("other.form", "k1", limit=2, window=60)


def test_throttle_counters_live_only_in_the_cache_with_the_window_as_lifetime():
    throttle_record("test.form", "k1", window=900)
    redis = getattr(cache, "_cache", None)
    if redis is None or not hasattr(redis, "get_client"):
        pytest.skip("needs Redis")
    keys = [key for key in redis.get_client().keys("*") if b":throttle:" in key]
    assert keys
    assert all(0 < redis.get_client().ttl(key) <= 900 for key in keys)


def test_a_throttle_window_ends_on_the_clock(time_machine):
    time_machine.move_to("2026-12-01 12:59:00+00:00", tick=False)
    throttle_record("test.form", "k1", window=3600)
    assert not throttle_allowed("test.form", "k1", limit=1, window=3600)
    time_machine.move_to("2026-12-01 13:00:01+00:00", tick=False)
    assert throttle_allowed("test.form", "k1", limit=1, window=3600)


# --- Staff sign-in: axes locks the client behind the proxy, not the proxy ----------------------


def _sign_in(client, username, password, address):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"{address}",
    )


@pytest.mark.django_db
def test_axes_knows_the_client_behind_the_proxy(settings):
    assert settings.AXES_CLIENT_IP_CALLABLE == "portal.clients.client_address"


@pytest.mark.django_db
def test_wrong_passwords_from_one_client_do_not_lock_the_account_for_another(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="target")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "target", "guess", "198.51.100.66")
    locked = _sign_in(client, "target", "correct horse battery", "198.51.100.66")
    assert locked.status_code == 429
    # A forged prefix does not make the attacker someone else.
    forged = _sign_in(client, "target", "correct horse battery", "203.0.113.7, 198.51.100.66")
    assert forged.status_code == 429
    other = _sign_in(client, "target", "correct horse battery", "203.0.113.7")
    assert other.status_code == 302


def test_anonymous_pages_keep_a_hash_of_the_client_not_of_the_proxy(settings):
    from portal.anonymity import AnonymityMiddleware

    settings.TRUSTED_PROXY_COUNT = 1
    seen = []
    middleware = AnonymityMiddleware(lambda request: seen.append(request) or None)
    for forwarded in ("203.0.113.7", "198.51.100.1, 203.0.113.7", "203.0.113.8"):
        request = RequestFactory().get("/tips/", REMOTE_ADDR=PROXY)
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
        middleware(request)
    first, forged, other = (request.anonymous_client for request in seen)
    assert first == forged != other
    assert all("HTTP_X_FORWARDED_FOR" not in request.META for request in seen)


# --- While Redis cannot be reached ------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    """The cache is a Redis nobody answers on: reads miss, writes are dropped (portal/cache.py)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert cache.get("anything") is None  # a miss, not an error


def test_a_throttle_still_holds_while_redis_cannot_be_reached(redis_down):
    for _ in range(3):
        assert throttle_allowed("test.redis-down", "client-a", 3, 3600)
        throttle_record("test.redis-down", "client-a", 3600)
    assert not throttle_allowed("test.redis-down", "client-a", 3, 3600)
    assert throttle_allowed("test.redis-down", "client-b", 3, 3600)  # per client, as always


def test_a_passphrase_lockout_still_holds_while_redis_cannot_be_reached(redis_down):
    from portal.passphrases import Lockout

    lockout = Lockout("test.redis-down", lambda: 2, lambda: 600)
    lockout.fail("T-1234")
    assert not lockout.active("T-1234")
    lockout.fail("T-1234")
    assert lockout.active("T-1234")
    assert not lockout.active("T-5678")
    lockout.clear("T-1234")
    assert not lockout.active("T-1234")


def test_the_process_counts_last_as_long_as_their_window(redis_down, monkeypatch):
    from portal import clients

    now = [1000.0]
    monkeypatch.setattr(clients.time, "monotonic", lambda: now[0])
    assert clients.counter_add("test:window", 60) == 1
    assert clients.counter_add("test:window", 60) == 2
    now[0] += 61
    assert clients.counter_get("test:window") == 0
    assert clients.counter_add("test:window", 60) == 1
