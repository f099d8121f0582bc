"""Request counts and latency for /metrics (privacysite.monitoring), per status class.

No path label: URLs may carry tokens or searched values, and one series per path would grow
without bound. Under gunicorn's several processes set ``PROMETHEUS_MULTIPROC_DIR`` (the web
unit does, to an empty runtime directory): each process writes its counts there and /metrics
adds them up (prometheus_client's multiprocess mode, deploy/gunicorn.conf.py's child_exit).
"""

import os
import time

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
REQUESTS = Counter(
    "privacysite_http_requests", "HTTP requests answered, by method and status class.",
    ["method", "status"],
)  # fmt: skip
LATENCY = Histogram(
    "privacysite_http_request_duration_seconds", "Seconds to answer a request.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)  # fmt: skip


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(method=method, status=f"{response.status_code // 100}xx").inc()
        LATENCY.observe(time.perf_counter() - started)
        return response


def request_metrics_text() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)
