"""/healthz: can this web node take a form now? For the load balancer and systemd.

Only what the node itself needs to accept and store a form: its database, and code that
matches the schema. Redis, the Celery queue and beat are not in it: forms are accepted and
stored without them (a Redis outage or a stopped beat must not take every web node out of the
load balancer); their state is in monitoring (``assembly.monitoring``: /status, /metrics).

Answered by ``HealthCheckMiddleware`` before the host and HTTPS checks, so a probe works
through nginx, from a load balancer with an IP address as Host, and over plain HTTP inside
the private network, and right after a fresh start. No personal data.
"""

import time

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

HEALTHZ_PATH = "/healthz"
_migrations = {"checked": 0.0, "ok": False}


def database_ok():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return True


def migrations_applied():
    """Cached a minute: the migration graph costs milliseconds, the probe runs every second."""
    if time.monotonic() - _migrations["checked"] > 60:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        _migrations["ok"] = not executor.migration_plan(executor.loader.graph.leaf_nodes())
        _migrations["checked"] = time.monotonic()
    return _migrations["ok"]


CHECKS = {"database": database_ok, "migrations": migrations_applied}


def run_checks(checks) -> dict[str, bool]:
    results = {}
    for name, check in checks.items():
        try:
            results[name] = bool(check())
        except Exception:  # a failing dependency is the answer, not an error page
            results[name] = False
    return results


def healthz(request):
    results = run_checks(CHECKS)
    ok = all(results.values())
    response = JsonResponse(
        {"status": "ok" if ok else "fail", "checks": results}, status=200 if ok else 503
    )
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """First in MIDDLEWARE (after the request id): GET/HEAD /healthz is answered here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == HEALTHZ_PATH and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)
