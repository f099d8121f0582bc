"""The scale-out shape on one machine (issue 32): two web nodes (gunicorn) and two worker
nodes (Celery) behind one PostgreSQL and one Redis, each node with its own local folders
(media, anchors, metrics), all writing the one erasure journal in the shared object store
(moto's S3 server, reached over HTTP by every process). An erasure through each web node
(staff, in the admin) and through each worker (the retention sweep's batch); a dump taken
before; the restore; ``after_restore`` run on one node erases again all four, wherever
they were made.
"""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import environ
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from customers.core import jobs
from customers.models import Customer, RetentionRule
from customers.retention.journal_marks import journal_mark
from customers.retention.rules import retention_rules_ensure
from customers.staff.services import agreement_accept, agreement_ensure_exists
from demo.factories import CustomerFactory
from privacysite import journal
from privacysite.media_settings import journal_storage
from tests.customers.test_restore import pg_dump, pg_restore_over_live_database
from tests.privacysite.test_deploy_sample import free_port, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
BUCKET = "privacysite-scale-out"


@pytest.fixture
def shared_store(settings, monkeypatch):
    boto3 = pytest.importorskip("boto3")
    server_module = pytest.importorskip("moto.server")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    shared = {
        "ERASURE_JOURNAL_URL": f"s3://{BUCKET}/journal",
        "MEDIA_S3_ENDPOINT_URL": f"http://{host}:{port}",
        "MEDIA_S3_REGION": "us-east-1",
        "MEDIA_S3_ACCESS_KEY": "test",
        "MEDIA_S3_SECRET_KEY": "test",
    }
    for name, value in shared.items():
        monkeypatch.setenv(name, value)
    client = boto3.client(
        "s3",
        endpoint_url=shared["MEDIA_S3_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "journal": journal_storage(environ.Env())}
    yield shared
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for entry in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=entry["Key"])
    client.delete_bucket(Bucket=BUCKET)
    server.stop()


def node_env(tmp_path, name, shared, redis_url):
    """One machine's environment: the shared services, and folders of its own."""
    local = tmp_path / name
    for folder in ("media", "metrics", "journal"):
        (local / folder).mkdir(parents=True)
    db = connection.settings_dict
    return {
        **os.environ,
        **shared,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(local / "media"),
        "ERASURE_JOURNAL": str(local / "journal" / "erasures.jsonl"),  # not used: shared
        "ACCESS_LOG_ANCHORS": str(local / "journal" / "access-log-anchors.jsonl"),
        "PROMETHEUS_MULTIPROC_DIR": str(local / "metrics"),
        "GUNICORN_WORKERS": "1",
    }


def start_web(env, port):
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "privacysite.wsgi",
         "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log(env, "web"),
    )  # fmt: skip


def log(env, what):
    return open(Path(env["MEDIA_ROOT"]).parent / f"{what}.log", "w")  # noqa: SIM115


def start_worker(env, queue):
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "privacysite", "worker", "-P", "solo",
         "-Q", queue, "-n", f"{queue}@%h", "--without-mingle", "--without-gossip",
         "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log(env, "worker"),
    )  # fmt: skip


def erase_in_the_admin(port, username, device, customer):
    """Sign in (password, then the TOTP code) and erase with the admin's action. The site's
    cookies are Secure (DEBUG off) and these nodes speak plain HTTP on loopback, as gunicorn
    behind the proxy does: the cookies are sent by hand."""
    import requests
    from django_otp.oath import TOTP

    base = f"http://127.0.0.1:{port}"
    cookies = {}

    def call(path, data=None):
        headers = {"Referer": base + path}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": cookies["csrftoken"]}
        response = requests.request(
            "POST" if data is not None else "GET", base + path, data=data, headers=headers,
            allow_redirects=False, timeout=30,
        )  # fmt: skip
        cookies.update({cookie.name: cookie.value for cookie in response.cookies})
        assert response.status_code in (200, 302), (path, response.status_code)
        return response

    call("/admin/login/")
    call("/admin/login/", {"username": username, "password": "a-long-test-password-2026"})
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    call("/admin/otp/", {"token": f"{token.token():06d}"})
    done = call(
        "/admin/customers/customer/",
        {"action": "erase_with_reason", "_selected_action": [customer.pk], "reason": "test"},
    )
    assert done.status_code == 302  # the action ran and went back to the list


def healthy(port):
    import requests

    try:
        return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=30).status_code == 200
    except requests.RequestException:
        return False


def wait(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def erased(customer):
    return Customer.objects.get(pk=customer.pk).status == Customer.Status.ERASED


def test_two_web_and_two_worker_nodes_share_the_journal_and_a_restore_reapplies_all(
    postgres, redis_url, seeded, staff_user, shared_store, tmp_path, capsys
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from privacysite.celery import app

    retention_rules_ensure()
    RetentionRule.objects.filter(category="customer").update(notice_days=0)
    old = timezone.now() - datetime.timedelta(days=400)
    by_web = [CustomerFactory(email=f"web{n}@example.vn") for n in (1, 2)]
    by_worker = [
        CustomerFactory(email=f"sweep{n}@example.vn", last_activity_at=old) for n in (1, 2)
    ]
    kept = CustomerFactory(email="con-lai@example.vn")
    devices = []
    agreement = agreement_ensure_exists()
    for n in (1, 2):
        user = staff_user(superuser=True, username=f"staff{n}")
        agreement_accept(user=user, agreement=agreement)
        devices.append(TOTPDevice.objects.create(user=user, name="test", confirmed=True))
    journal_mark()  # what setup_site does on a new install
    dump = tmp_path / "nightly.dump"
    journal_mark()  # what scripts/backup.sh does just before its dump
    pg_dump(dump)

    nodes = [node_env(tmp_path, f"node{n}", shared_store, redis_url) for n in (1, 2)]
    ports = [free_port(), free_port()]
    processes = [start_web(env, port) for env, port in zip(nodes, ports, strict=True)]
    processes += [start_worker(env, f"node{n}") for n, env in enumerate(nodes, 1)]
    app.conf.task_always_eager = False
    try:
        for port in ports:
            wait_for(port, 30)
            assert wait(lambda port=port: healthy(port), 60), f"web node on {port} never ready"
        for port, n in zip(ports, (0, 1), strict=True):
            erase_in_the_admin(port, f"staff{n + 1}", devices[n], by_web[n])
        for n, customer in enumerate(by_worker, 1):
            app.send_task(jobs.RETENTION_ERASE_BATCH, args=[[customer.pk], None], queue=f"node{n}")
        assert wait(lambda: all(erased(c) for c in [*by_web, *by_worker]), 40), [
            (c.pk, erased(c)) for c in [*by_web, *by_worker]
        ]
    finally:
        app.conf.task_always_eager = True
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(20)
    kinds = [e["kind"] for e in journal.journal_read()]
    assert kinds.count("erasure") == 4  # two by each kind of node, all in the one journal
    for env in nodes:  # and nothing of it on a node's own disk
        assert not list(Path(env["ERASURE_JOURNAL"]).parent.glob("erasures*"))

    pg_restore_over_live_database(dump)
    assert not any(erased(c) for c in [*by_web, *by_worker])  # the dump predates them all

    # On any one node (here, this process: the same shared journal), as restore.sh does.
    call_command("after_restore")
    assert "customers erased again: 4" in capsys.readouterr().out
    assert all(erased(c) for c in [*by_web, *by_worker])
    assert Customer.objects.get(pk=kept.pk).email == "con-lai@example.vn"
