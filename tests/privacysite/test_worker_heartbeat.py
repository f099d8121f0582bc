"""Issue 32, finding 4: a worker that had died said nothing; monitoring saw Redis come back
and no sign that nothing would be processed. Each worker writes a heartbeat, and /metrics
exports its age from the first scrape (alert: deploy/prometheus-alerts.yml)."""

import re
import time

import pytest

from tests.privacysite.worker_process import start_worker, stop_worker, wait

pytestmark = pytest.mark.django_db(transaction=True)


def scrape(client):
    text = client.get("/metrics").content.decode()
    return dict(re.findall(r"^(privacysite_\w+) (\S+)$", text, re.M))


def heartbeat_age(client):
    return float(scrape(client)["privacysite_worker_heartbeat_seconds"])


def test_the_heartbeat_series_exists_before_any_worker_ran_and_reads_stale(client):
    values = scrape(client)
    # Never seen: an infinite age, so that "older than two minutes" fires from the start.
    assert values["privacysite_worker_heartbeat_seconds"] == "+Inf"
    assert values["privacysite_workers_alive"] == "0.0"


@pytest.mark.slow
def test_the_heartbeat_is_fresh_while_a_worker_runs_and_ages_once_it_stopped(
    client, postgres, redis_url, tmp_path
):
    worker = start_worker(
        redis_url=redis_url, log_path=tmp_path / "worker.log", WORKER_HEARTBEAT_SECONDS="1"
    )
    try:
        assert wait(lambda: heartbeat_age(client) < 2, 60), (
            "no heartbeat from a running worker:\n" + (tmp_path / "worker.log").read_text()
        )
        assert scrape(client)["privacysite_workers_alive"] == "1.0"
        time.sleep(2.5)
        assert heartbeat_age(client) < 2  # it keeps beating, not once at start
    finally:
        stop_worker(worker)
    time.sleep(3)
    assert heartbeat_age(client) >= 3  # nobody beats any more: the age only grows


def test_the_sample_alerts_page_when_no_worker_beats_or_the_series_is_missing():
    from pathlib import Path

    import yaml

    alerts = Path(__file__).resolve().parents[2] / "deploy" / "prometheus-alerts.yml"
    rules = [
        rule for group in yaml.safe_load(alerts.read_text())["groups"] for rule in group["rules"]
    ]
    on_heartbeat = [r for r in rules if "privacysite_worker_heartbeat_seconds >" in r["expr"]]
    assert len(on_heartbeat) == 1
    rule = on_heartbeat[0]
    threshold = float(re.search(r"> (\d+)", rule["expr"]).group(1))
    assert 60 <= threshold <= 300  # missed beats, not one late write (every 15 s)
    assert rule["labels"]["severity"] == "page"
    assert any("absent(privacysite_worker_heartbeat_seconds)" in r["expr"] for r in rules)
