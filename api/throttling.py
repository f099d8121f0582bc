"""A per-client request budget over a sliding minute, counted in Redis (issue 31, finding 12).

The ``limits`` library's moving window (the library under Flask-Limiter and slowapi): the
times of a client's last calls, at most its rate of them, and a call is refused while the
oldest of those is less than a minute old. Exact (no minute boundary lets a client send
twice its rate, as the fixed window did; no weighting rounds one extra call in, as the
sliding-window counter's does), and each check and count is one atomic Redis script of
constant cost: calls sent in parallel cannot slip through between a read and a write, as
they can with DRF's own throttle, which reads and writes the whole log from the cache on
every call.
"""

import functools
import logging
import math
import time

from django.conf import settings
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger(__name__)


@functools.cache
def limiter(storage_url: str) -> MovingWindowRateLimiter:
    """One limiter (and Redis connection pool) per storage, per process."""
    return MovingWindowRateLimiter(storage_from_string(storage_url))


class ClientRateThrottle(BaseThrottle):
    """``ApiClient.rate_per_minute`` calls in any minute, per client."""

    wait_seconds = None

    def allow_request(self, request, view):
        client = request.auth
        if client is None:
            return True  # refused by the authentication anyway
        item = RateLimitItemPerMinute(client.rate_per_minute)
        # The key's prefix too: ids are reused by test databases, never prefixes.
        identity = f"{client.pk}-{client.key_prefix}"
        try:
            rate_limiter = limiter(settings.API_RATE_LIMIT_STORAGE)
            if rate_limiter.hit(item, "api-client", identity):
                return True
            reset_at, _remaining = rate_limiter.get_window_stats(item, "api-client", identity)
        except Exception as exc:  # Redis down: fail open, as the site's form limits do
            logger.warning("api.rate_unavailable error=%s", type(exc).__name__)
            return True
        # Whole seconds after the oldest counted call is a minute old (at that very moment it
        # still counts).
        self.wait_seconds = min(max(math.floor(reset_at - time.time()) + 1, 1), 61)
        return False

    def wait(self):
        return self.wait_seconds
