"""/healthz says whether this web node can take a form; /status and /metrics say how the
background work is doing, to monitoring only (issue 16.4 and 16.10)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from customers.models import Incident, Submission

pytestmark = pytest.mark.django_db

NOTHING_LISTENS = "redis://127.0.0.1:9/1"


@pytest.fixture
def redis_down(settings):
    settings.REDIS_URL = NOTHING_LISTENS
    settings.CELERY_BROKER_URL = NOTHING_LISTENS
    settings.CACHES = {
        "default": {
            "BACKEND": "privacysite.cache.ResilientRedisCache",
            "LOCATION": NOTHING_LISTENS,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }


@pytest.fixture
def production_hosts(settings):
    settings.ALLOWED_HOSTS = ["privacy.example.vn"]
    settings.SECURE_SSL_REDIRECT = True


def test_healthz_is_200_on_a_fresh_start_with_redis_down_and_no_beat(client, redis_down, seeded):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": True, "migrations": True}}
    # ... and the node really takes forms then: a registration is stored.
    page = client.get(reverse("customers:register")).content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    posted = client.post(
        reverse("customers:register"),
        {
            "kind": "individual",
            "full_name": "Lê Thị Mai",
            "email": "mai@example.vn",
            "phone_mobile": "0912345678",
            "address_home": "3 Hai Bà Trưng, Hà Nội",
            "submission_key": key,
        },
    )
    assert posted.status_code == 302 and Submission.objects.count() == 1


def test_status_tells_monitoring_that_redis_and_beat_are_down(client, redis_down):
    body = client.get("/status", REMOTE_ADDR="127.0.0.1").json()
    assert body["checks"] == {"database": True, "migrations": True, "redis": False, "beat": False}
    assert body["readings"]["queue_length"] is None  # unreadable, not zero
    metrics = client.get("/metrics").content.decode()
    assert "privacysite_redis_up 0.0" in metrics and "privacysite_beat_up 0.0" in metrics
    assert "privacysite_queue_length" not in metrics


def test_healthz_answers_a_probe_without_our_host_name_or_https(client, production_hosts):
    # A load balancer probing gunicorn directly: an IP address as Host, plain HTTP.
    assert client.get("/healthz", HTTP_HOST="10.0.0.5:8000").status_code == 200
    # nginx's sample passes Host and X-Forwarded-Proto: the probe answers there too.
    proxied = client.get("/healthz", HTTP_HOST="privacy.example.vn", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
    # Every other path still has the host check and the HTTPS redirect.
    assert client.get("/", HTTP_HOST="10.0.0.5:8000").status_code == 400
    assert client.get("/", HTTP_HOST="privacy.example.vn").status_code == 301


def test_healthz_is_503_when_the_database_is_not_migrated(client, monkeypatch):
    from privacysite import health

    monkeypatch.setitem(health._migrations, "checked", 0.0)
    monkeypatch.setattr(
        "django.db.migrations.executor.MigrationExecutor.migration_plan",
        lambda self, targets: ["pending"],
    )
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["migrations"] is False
    monkeypatch.setitem(health._migrations, "checked", 0.0)


def test_metrics_are_for_monitoring_only(client, settings):
    settings.TRUSTED_PROXIES = 1
    settings.METRICS_TOKEN = "scrape-token-2026"
    # Through our nginx, from the internet: the proxy's own address must not open the door.
    outside = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert client.get("/metrics", **outside).status_code == 404
    assert client.get("/status", **outside).status_code == 404
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer guess", **outside)
    assert wrong.status_code == 404
    scraped = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token-2026", **outside)
    assert scraped.status_code == 200
    settings.METRICS_ALLOWED_IPS = ["203.0.113.0/24"]
    assert client.get("/metrics", **outside).status_code == 200


def test_metrics_carry_the_gauges_an_operator_alerts_on(client, seeded):
    schedule = IntervalSchedule.objects.create(every=60, period="seconds")
    PeriodicTask.objects.create(
        name="access-log-seal",
        task="customers.tasks.access_log_seal",
        interval=schedule,
        last_run_at=timezone.now(),
    )
    Incident.objects.create(detected_at=timezone.now() - datetime.timedelta(hours=30))
    text = client.get("/metrics").content.decode()
    values = dict(re.findall(r"^(privacysite_\w+) (\S+)$", text, re.M))
    assert values["privacysite_beat_up"] == "1.0"
    assert float(values["privacysite_beat_last_run"]) > 0
    assert values["privacysite_submissions_waiting"] == "0.0"
    assert values["privacysite_messages_stuck"] == "0.0"
    assert values["privacysite_incidents_open"] == "1.0"
    assert 29.9 < float(values["privacysite_incident_oldest_open_hours"]) < 30.1
    assert "@" not in text


def test_metrics_count_requests_by_status_class_without_paths(client):
    def count(text, status):
        found = re.search(
            rf'^privacysite_http_requests_total{{method="GET",status="{status}"}} (\S+)$',
            text,
            re.M,
        )
        return float(found.group(1)) if found else 0.0

    before = client.get("/metrics").content.decode()
    client.get("/khong-co-trang-nay/?q=an%40example.vn")
    after = client.get("/metrics").content.decode()
    assert count(after, "4xx") == count(before, "4xx") + 1
    assert count(after, "2xx") >= count(before, "2xx") + 1
    assert "khong-co" not in after and "example.vn" not in after


def test_metrics_and_status_answer_while_the_database_is_down(client, monkeypatch):
    """Issue 32, finding 5: with PostgreSQL down /metrics and /status used to answer the 503
    page, so privacysite_database_up never read 0. They answer with what they can reach and
    say what they cannot."""
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", down)
    text = client.get("/metrics").content.decode()
    values = dict(re.findall(r"^(privacysite_\w+(?:\{[^}]*\})?) (\S+)$", text, re.M))
    assert values["privacysite_database_up"] == "0.0"
    assert values['privacysite_reading_up{reading="submissions_waiting"}'] == "0.0"
    assert "privacysite_submissions_waiting" not in values  # unknown, not a false 0
    status = client.get("/status").json()
    assert status["checks"]["database"] is False
    assert "submissions_waiting" in status["unreadable"]


def test_every_series_exists_from_the_first_scrape(client):
    """Before beat or the sweep has ever run, their series read 0 (so the alerts on them fire),
    rather than being absent."""
    text = client.get("/metrics").content.decode()
    values = dict(re.findall(r"^(privacysite_\w+) (\S+)$", text, re.M))
    for name in ("beat_last_run", "retention_last_run", "incidents_open", "queue_length"):
        assert f"privacysite_{name}" in values, name
    assert values["privacysite_retention_last_run"] == "0.0"
