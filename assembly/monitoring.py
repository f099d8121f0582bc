"""What an operator watches: /status (JSON) and /metrics (Prometheus), never public.

Background work is here, not in /healthz (privacysite.health): Redis, the Celery queue, beat,
submissions waiting, messages stuck, the retention sweep and the incident clocks. Every value
is read from the database or the broker at scrape time, so any web node gives the same answer
and gunicorn's several processes need no shared metrics store. Counts and times only, never
personal data. Access: an address in ``METRICS_ALLOWED_IPS`` (the client address behind our
trusted proxies, privacysite.http.client_ip) or ``Authorization: Bearer METRICS_TOKEN``;
anyone else gets a 404. Backups report through the textfile backup.sh writes.
"""

import datetime
import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from customers.audit.key_consistency import keys_differing
from customers.models import Incident, Message, RetentionRun, Submission
from customers.workers.heartbeat import heartbeat_age, workers_alive
from privacysite.health import database_ok, migrations_applied, run_checks
from privacysite.http import client_ip
from privacysite.request_metrics import request_metrics_text

BEAT_STALE_AFTER = 5 * 60  # access-log-seal runs every minute
MESSAGE_STUCK_AFTER = datetime.timedelta(minutes=15)


def allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and hmac.compare_digest(header.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(net, strict=False) for net in settings.METRICS_ALLOWED_IPS
    )


def redis_ok():
    if not settings.REDIS_URL:
        return True  # the filesystem broker and local cache have no server to lose
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=1)
    return client.ping()


def queue_length() -> int:
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=0.5, socket_timeout=1
        )
        return client.llen("celery")
    return sum(1 for _ in (settings.BROKER_DIR / "queue").glob("*.msg"))


def beat_last_run():
    from django_celery_beat.models import PeriodicTask

    return (
        PeriodicTask.objects.filter(name="access-log-seal")
        .values_list("last_run_at", flat=True)
        .first()
    )


def beat_ok():
    last = beat_last_run()
    return last is not None and (timezone.now() - last).total_seconds() < BEAT_STALE_AFTER


UNREADABLE = object()  # a reading that failed now (its source is down), not one that is 0


def readings() -> dict:
    """Counts and times for the gauges. A reading whose source cannot be reached now (the
    database down, Redis down) is ``UNREADABLE``; one with nothing to count yet (no sweep has
    run) is 0, so that every series exists from the first scrape."""

    now = timezone.now()
    values = {}

    def read(name, function):
        try:
            values[name] = function()
        except Exception:  # the scrape answers with what it can reach
            values[name] = UNREADABLE

    read(
        "submissions_waiting", lambda: Submission.objects.filter(processed_at__isnull=True).count()
    )
    read(
        "messages_stuck",
        lambda: Message.objects.filter(
            status__in=[Message.Status.QUEUED, Message.Status.SENDING],
            created_at__lt=now - MESSAGE_STUCK_AFTER,
        ).count(),
    )
    read("messages_failed", lambda: Message.objects.filter(status=Message.Status.FAILED).count())
    read("queue_length", queue_length)
    read("beat_last_run", lambda: _timestamp(beat_last_run()))
    read("worker_heartbeat_seconds", heartbeat_age)
    read("workers_alive", workers_alive)

    def last_sweep():
        run = RetentionRun.objects.filter(dry_run=False).order_by("-started_at").first()
        summary = run.summary if run and isinstance(run.summary, dict) else {}
        return run, summary

    read("_sweep", last_sweep)
    if values["_sweep"] is UNREADABLE:
        for name in ("retention_last_run", "retention_last_planned_erasures"):
            values[name] = UNREADABLE
        values["retention_last_erased"] = UNREADABLE
    else:
        run, summary = values["_sweep"]
        values["retention_last_run"] = _timestamp(run and run.started_at)
        values["retention_last_planned_erasures"] = _number(
            summary.get("planned", {}).get("customer_erase")
        )
        values["retention_last_erased"] = _number(summary.get("done", {}).get("erased"))
    del values["_sweep"]
    open_incidents = Incident.objects.filter(
        status=Incident.Status.OPEN, authority_notified_at__isnull=True
    )
    read("incidents_open", open_incidents.count)

    def oldest_open_hours():
        oldest = (
            open_incidents.order_by("detected_at").values_list("detected_at", flat=True).first()
        )
        return (now - oldest).total_seconds() / 3600 if oldest else 0

    read("incident_oldest_open_hours", oldest_open_hours)
    # A node left out of a key change (customers.audit.key_consistency).
    read("keys_match", lambda: int(not keys_differing()))
    return values


def _number(value):
    return value if isinstance(value, int | float) else None


def _timestamp(when):
    return when.timestamp() if when else None


GAUGES = {
    "submissions_waiting": "Form submissions accepted and not yet processed.",
    "messages_stuck": "Messages queued or sending for more than 15 minutes.",
    "messages_failed": "Messages that failed for good.",
    "queue_length": "Tasks waiting in the Celery queue.",
    "beat_last_run": "Unix time of beat's last access-log-seal run (every minute).",
    "worker_heartbeat_seconds": "Seconds since a Celery worker last wrote its heartbeat "
    "(+Inf: never); written to the database, so it stays fresh while Redis is down.",
    "workers_alive": "Celery workers that wrote a heartbeat in the last two minutes.",
    "retention_last_run": "Unix time the last retention sweep started (daily at 02:00).",
    "retention_last_planned_erasures": "Customers the last sweep planned to erase.",
    "retention_last_erased": "Customers a manual run_retention erased (when recorded).",
    "incidents_open": "Breaches open and not yet notified to the authority.",
    "incident_oldest_open_hours": "Hours since the oldest open breach was detected (72 allowed).",
    "keys_match": "1 if this node's keys are the keys in force recorded in the database.",
}


class Collector:
    def collect(self):
        for name, ok in run_checks(
            {"database": database_ok, "redis": redis_ok, "beat": beat_ok}
        ).items():
            yield GaugeMetricFamily(f"privacysite_{name}_up", f"1 if {name} works.", value=int(ok))
        values = readings()
        readable = GaugeMetricFamily(
            "privacysite_reading_up",
            "1 if the reading could be made at this scrape, 0 if its source was unreachable.",
            labels=["reading"],
        )
        for name, help_text in GAUGES.items():
            value = values.get(name)
            readable.add_metric([name], int(value is not UNREADABLE))
            if value is not UNREADABLE:
                # Nothing to count yet is 0 (a sweep that never ran: time 0, so the "missed"
                # alert fires), so that every series exists from the first scrape.
                yield GaugeMetricFamily(f"privacysite_{name}", help_text, value=value or 0)
        yield readable


@never_cache
def metrics(request):
    if not allowed(request):
        raise Http404
    registry = CollectorRegistry(auto_describe=False)
    registry.register(Collector())
    body = generate_latest(registry) + request_metrics_text()
    return HttpResponse(body, content_type="text/plain; version=0.0.4")


@never_cache
def status(request):
    if not allowed(request):
        raise Http404
    checks = run_checks(
        {
            "database": database_ok,
            "migrations": migrations_applied,
            "redis": redis_ok,
            "beat": beat_ok,
        }
    )
    values = readings()
    return JsonResponse(
        {
            "checks": checks,
            # JSON has no infinity: a worker never seen reads null here, +Inf in /metrics.
            "readings": {
                k: (None if v is UNREADABLE or v == float("inf") else v) for k, v in values.items()
            },
            "unreadable": sorted(k for k, v in values.items() if v is UNREADABLE),
        }
    )
