"""Django's Redis cache, degraded instead of failing when Redis is unreachable.

The cache only ever holds what can be recomputed (selectors), counted again (rate limits,
which then fail open: RATELIMIT_FAIL_OPEN) or refused (a my-data link nonce): a Redis outage
must not stop customers from submitting forms.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _degraded(operation, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(ResilientRedisCache, self), operation)(*args, **kwargs)
        except UNAVAILABLE as exc:
            logger.warning("cache.unavailable op=%s error=%s", operation, type(exc).__name__)
            if isinstance(fallback, type) and issubclass(fallback, Exception):
                raise fallback("cache unavailable") from exc
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = operation
    return method


class ReusedClientRedisCacheClient(RedisCacheClient):
    """One ``redis.Redis`` per connection pool, reused: Django builds a new one for every
    cache call, which costs more than the call itself on a fast network (its table of
    response callbacks is rebuilt each time). Redis clients are safe to share."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    get = _degraded("get", lambda key, default=None, version=None: default)
    get_many = _degraded("get_many", {})
    has_key = _degraded("has_key", False)
    set = _degraded("set", None)
    set_many = _degraded("set_many", [])
    touch = _degraded("touch", False)
    delete = _degraded("delete", False)
    delete_many = _degraded("delete_many", None)
    # add() reports "not added" and incr() raises ValueError, as for a missing key: what
    # django-ratelimit expects before it applies RATELIMIT_FAIL_OPEN.
    add = _degraded("add", False)
    incr = _degraded("incr", ValueError)

    def count_and_claim(self, counter: str, window: int, claim: str | None, claim_timeout: int):
        """One round trip for a public form: count this request in ``counter`` (which
        expires ``window`` seconds after its first count) and, if ``claim`` is given, claim
        that key for ``claim_timeout`` seconds unless it is taken. Returns (count, claimed);
        with Redis unreachable (0, None): nothing counted, nothing known."""
        client = self._cache.get_client(write=True)
        counter, claim_key = self.make_and_validate_key(counter), None
        pipe = client.pipeline(transaction=False)
        pipe.incr(counter)
        pipe.expire(counter, window, nx=True)
        if claim:
            claim_key = self.make_and_validate_key(claim)
            pipe.set(claim_key, self._cache._serializer.dumps(1), nx=True, ex=claim_timeout)
        try:
            results = pipe.execute()
        except UNAVAILABLE as exc:
            logger.warning("cache.unavailable op=count_and_claim error=%s", type(exc).__name__)
            return 0, None
        return results[0], (bool(results[2]) if claim else None)
