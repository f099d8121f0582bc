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
        return self.count_and_claim_send(counter, window, claim, claim_timeout).read()

    def count_and_claim_send(
        self, counter: str, window: int, claim: str | None, claim_timeout: int
    ) -> "PendingReplies":
        """``count_and_claim`` in two halves: the commands leave now, in one write; the
        answer is read by ``.read()`` on what this returns, which the caller must call (the
        connection goes back to the pool then). In between, the request does its own work
        (a form's validation) while Redis answers, instead of waiting for it."""
        counter = self.make_and_validate_key(counter)
        commands = [("INCR", counter), ("EXPIRE", counter, window, "NX")]
        if claim:
            claim_key = self.make_and_validate_key(claim)
            value = self._cache._serializer.dumps(1)
            commands.append(("SET", claim_key, value, "NX", "EX", claim_timeout))
        pool = self._cache._get_connection_pool(True)
        connection = None
        try:
            # The pool replaces a connection Redis has closed meanwhile (it checks on taking).
            connection = pool.get_connection()
            connection.send_packed_command(connection.pack_commands(commands))
        except BaseException as exc:
            if connection is not None:
                connection.disconnect()
                pool.release(connection)
            if not isinstance(exc, UNAVAILABLE):
                raise
            logger.warning("cache.unavailable op=count_and_claim error=%s", type(exc).__name__)
            return PendingReplies(None, None, claim=bool(claim))
        return PendingReplies(pool, connection, claim=bool(claim))


class PendingReplies:
    """The answers to ``count_and_claim_send``'s commands, read once: (count, claimed), or
    (0, None) when Redis could not be reached (fail open: nothing counted, nothing known)."""

    def __init__(self, pool, connection, *, claim: bool):
        self._pool, self._connection, self._claim = pool, connection, claim
        # The commands reached Redis (or may have): if their answer is then lost, whether
        # the claim was taken is unknown, and whoever gives it back must delete it anyway.
        self.sent = connection is not None

    def read(self) -> tuple[int, bool | None]:
        connection, self._connection = self._connection, None
        if connection is None:
            return 0, None
        try:
            replies = [connection.read_response() for _ in range(3 if self._claim else 2)]
        except Exception as exc:
            # Whatever was left unread on this socket must never answer another command.
            connection.disconnect()
            if not isinstance(exc, UNAVAILABLE):
                raise
            logger.warning("cache.unavailable op=count_and_claim error=%s", type(exc).__name__)
            return 0, None
        finally:
            self._pool.release(connection)
        return replies[0], (replies[2] is not None if self._claim else None)
