"""A per-client request budget over a sliding minute, counted in the shared cache (Redis).

DRF's own ``SimpleRateThrottle`` keeps, per client, the times of the calls of the last minute
and refuses a call when the minute before it already holds the client's budget: a sliding
window, so no client can send twice its rate across a minute boundary (issue 31, finding 12).
"""

import logging

from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)


class ClientRateThrottle(SimpleRateThrottle):
    """``ApiClient.rate_per_minute`` calls in any 60 seconds, per client."""

    rate = "600/min"  # replaced by the calling client's own rate
    cache_format = "api:rate:%(ident)s"

    def get_cache_key(self, request, view):
        client = request.auth
        if client is None:
            return None  # refused by the authentication anyway
        return self.cache_format % {"ident": client.pk}

    def allow_request(self, request, view):
        client = request.auth
        if client is not None:
            self.rate = f"{client.rate_per_minute}/min"
            self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # Redis down: fail open, as the site's form limits do
            logger.warning("api.rate_unavailable error=%s", type(exc).__name__)
            return True

    def wait(self):
        """Seconds until a call is allowed again: until the call that keeps the minute full
        is a minute old (DRF's own estimate gives none when the log holds more calls than
        the rate, as after the rate was lowered)."""
        if self.num_requests and len(self.history) >= self.num_requests:
            blocking = self.history[self.num_requests - 1]  # the log is newest first
            return max(self.duration - (self.now - blocking), 1)
        return super().wait()
