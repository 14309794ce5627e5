"""The Redis cache backend keeps one client per connection pool (portal.cache)."""

import os
import threading

import pytest
from django.core.cache import caches

from portal.cache import RedisCache

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL") and os.environ.get("PORTAL_REQUIRE_SERVICES") != "1",
    reason="needs REDIS_URL (a real Redis)",
)


@pytest.fixture
def redis_cache():
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "test-portal-cache"})
    yield cache
    cache.clear()
    cache.close()


def test_settings_use_it_when_there_is_a_redis():
    assert isinstance(caches["default"], RedisCache)


def test_one_client_per_pool_is_reused_and_works(redis_cache):
    client = redis_cache._cache.get_client("a")
    assert redis_cache._cache.get_client("b", write=True) is client
    redis_cache.set("answer", {"n": 42}, 30)
    assert redis_cache.get("answer") == {"n": 42}
    assert redis_cache.get_many(["answer", "missing"]) == {"answer": {"n": 42}}
    assert redis_cache.add("counter", 1, 30)
    assert redis_cache.incr("counter") == 2


def test_the_shared_client_serves_threads_at_once(redis_cache):
    errors = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                redis_cache.set(f"k{n}-{i}", i, 30)
                assert redis_cache.get(f"k{n}-{i}") == i
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
