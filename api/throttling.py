"""A per-client request budget per minute, counted in the shared cache (Redis)."""

import time

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle


class ClientRateThrottle(BaseThrottle):
    """Fixed one-minute windows: one cache increment per call."""

    def allow_request(self, request, view):
        client = request.auth
        if client is None:
            return True
        now = time.time()
        window = int(now // 60)
        key = f"api:rate:{client.pk}:{window}"
        self.wait_seconds = 60 - (now % 60)
        if cache.add(key, 1, 90):
            return client.rate_per_minute >= 1
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, 90)
            count = 1
        return count <= client.rate_per_minute

    def wait(self):
        return self.wait_seconds
