"""A per-client request budget per minute, counted in the shared cache (Redis)."""

import logging
import time

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger(__name__)


def _count(key: str) -> int:
    """This minute's calls so far, this one included: one Redis round trip (INCR; EXPIRE too
    on the minute's first call) where the cache is Redis; the cache API elsewhere (tests on
    local memory)."""
    redis_client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if redis_client is None:
        if cache.add(key, 1, 90):
            return 1
        return cache.incr(key)
    full_key = cache.make_and_validate_key(key)
    client = redis_client(full_key, write=True)
    # One command on most calls: the key names its minute, so its expiry only has to be set
    # by the call that created it (had that call died in between, the key would merely stay).
    count = client.incr(full_key)
    if count == 1:
        client.expire(full_key, 90)
    return count


class ClientRateThrottle(BaseThrottle):
    """Fixed one-minute windows per client."""

    def allow_request(self, request, view):
        client = request.auth
        if client is None:
            return True
        now = time.time()
        self.wait_seconds = 60 - (now % 60)
        try:
            count = _count(f"api:rate:{client.pk}:{int(now // 60)}")
        except Exception as exc:  # Redis down: fail open, as the site's form limits do
            logger.warning("api.rate_unavailable error=%s", type(exc).__name__)
            return True
        return count <= client.rate_per_minute

    def wait(self):
        return self.wait_seconds
