"""A worker killed with SIGKILL in the middle of a delivery: another worker delivers it."""

import os
import signal
import subprocess
import sys
import threading

import pytest
from django.db import connection, transaction

from api.models import WebhookDelivery
from api.services.webhooks import webhook_subscription_create, webhooks_resend_due
from demo.factories import CustomerFactory
from tests.api.conftest import grant
from tests.api.receiver import Receiver
from tests.customers.test_retention_worker import ROOT, wait

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def start_worker(env, log):
    command = [sys.executable, "-m", "celery", "-A", "privacysite", "worker", "-P", "solo"]
    command += ["--without-mingle", "--without-gossip", "--loglevel=INFO"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def test_worker_killed_mid_delivery_then_a_new_worker_delivers(
    postgres, redis_url, make_client, purposes, tmp_path, settings
):
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115
    from privacysite.celery import app

    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    hook = Receiver()
    subscription = webhook_subscription_create(
        client=make_client().client, url=hook.url, events=["consent.changed"], actor=None
    )
    hook.secret = subscription.secret
    hook.hold = threading.Event()  # the first request waits: the worker is then inside it
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "REDIS_URL": redis_url,
        # The receiver listens on 127.0.0.1 over http: the development settings.
        "WEBHOOK_ALLOW_HTTP": "True",
        "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",
        "DATABASE_URL": f"postgres://{connection.settings_dict['USER']}@"
        f"{connection.settings_dict['HOST']}:{connection.settings_dict['PORT']}/"
        f"{connection.settings_dict['NAME']}",
    }
    app.conf.task_always_eager = False
    app.control.purge()
    first = second = None
    try:
        with transaction.atomic():
            grant(CustomerFactory(), purposes["marketing_email"])
        first = start_worker(env, log)
        assert hook.holding.wait(60), "the worker never called the subscriber"
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == WebhookDelivery.Status.PENDING and delivery.attempts == 0

        second = start_worker(env, log)
        # Beat's minute sweep finds the delivery due with no worker on it and hands it over
        # (Redis would also give the unacknowledged task back, but only after its
        # visibility timeout, hours in production).
        settings.WEBHOOK_LOST_AFTER = 0
        assert webhooks_resend_due() == 1
        assert wait(
            lambda: WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED, 90
        ), "the delivery was lost with the killed worker"
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(30)
        app.conf.task_always_eager = True
        hook.close()
    # At least once: the subscriber may see the event twice, always with the same id.
    ids = {event_id for event_id, _, signed in hook.received if signed}
    assert len(ids) == 1 and len(hook.received) >= 1
