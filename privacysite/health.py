"""/healthz for the load balancer: database, cache/broker, beat, migrations. No personal
data, and cheap enough to poll every second (the migration check is cached a minute)."""

import time

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_celery_beat.models import PeriodicTask

BEAT_STALE_AFTER = 5 * 60  # access-log-seal runs every minute
_migrations = {"checked": 0.0, "ok": False}


def _database():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return True


def _cache():
    cache.set("healthz", 1, 10)
    return cache.get("healthz") == 1


def _beat():
    last = (
        PeriodicTask.objects.filter(name="access-log-seal")
        .values_list("last_run_at", flat=True)
        .first()
    )
    return last is not None and (timezone.now() - last).total_seconds() < BEAT_STALE_AFTER


def _migrated():
    if time.monotonic() - _migrations["checked"] > 60:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        _migrations["ok"] = not executor.migration_plan(executor.loader.graph.leaf_nodes())
        _migrations["checked"] = time.monotonic()
    return _migrations["ok"]


CHECKS = {"database": _database, "cache": _cache, "beat": _beat, "migrations": _migrated}


@never_cache
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = bool(check())
        except Exception:  # a failing dependency is the answer, not an error page
            results[name] = False
    ok = all(results.values())
    return JsonResponse(
        {"status": "ok" if ok else "fail", "checks": results}, status=200 if ok else 503
    )
