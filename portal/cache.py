"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` for every cache operation.
With redis-py 5 and later that constructor fills its table of response callbacks each time:
about 0.2 ms of Python per call, more than the round trip to Redis itself, paid on every
request (department settings, the page cache, throttles). A `redis.Redis` is only a thin
wrapper around its connection pool and is safe to share between threads, and the pool checks
its process id after a fork, so keeping one per pool changes nothing else.

Redis is a cache here, never the only copy of anything: while it cannot be reached (restarted,
say), every read is a miss and every write is dropped, with a warning in the log, and the
page is made from the database (RedisUnavailable below). Connecting and each reply are bounded
by REDIS_CACHE_TIMEOUT so a Redis that hangs costs a request that long, not a worker.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
_last_warning = [0.0]


def _unreachable(operation: str) -> None:
    now = time.monotonic()
    if now - _last_warning[0] > 10:  # one line every ten seconds, not one per request
        _last_warning[0] = now
        logger.warning("Redis unreachable: cache %s treated as a miss", operation)


def _falls_through(name: str, fallback):
    method = getattr(DjangoRedisCacheClient, name)

    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE:
            _unreachable(name)
            if isinstance(fallback, type) and issubclass(fallback, Exception):
                raise fallback(f"cache unreachable during {name}") from None
            return fallback() if callable(fallback) else fallback

    wrapper.__name__ = name
    return wrapper


class FallThroughRedisCacheClient(RedisCacheClient):
    """Reads miss and writes are dropped while Redis cannot be reached. `add` says it added
    (the caller goes on as for a first time); `incr` says the key is missing (ValueError), as
    Django's contract for a missing key has it."""

    def get(self, key, default):
        try:
            return super().get(key, default)
        except UNREACHABLE:
            _unreachable("get")
            return default

    get_many = _falls_through("get_many", dict)
    has_key = _falls_through("has_key", False)
    set = _falls_through("set", None)
    set_many = _falls_through("set_many", list)
    add = _falls_through("add", True)
    touch = _falls_through("touch", False)
    delete = _falls_through("delete", False)
    delete_many = _falls_through("delete_many", None)
    incr = _falls_through("incr", ValueError)
    clear = _falls_through("clear", False)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = FallThroughRedisCacheClient
