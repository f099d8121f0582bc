"""Request counts and latency for /metrics (assembly.monitoring), per status class.

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
        _counter(request.method, response.status_code).inc()
        LATENCY.observe(time.perf_counter() - started)
        return response


_counters = {}


def _counter(method: str, status: int):
    """The counter of one method and status class, looked up once (``labels()`` takes a lock
    and builds the label set each time)."""
    found = _counters.get((method, status))
    if found is None:
        label = method if method in METHODS else "other"
        found = REQUESTS.labels(method=label, status=f"{status // 100}xx")
        if len(_counters) < 1000:  # methods are few; a client may invent others
            _counters[(method, status)] = found
    return found


def request_metrics_text() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)
