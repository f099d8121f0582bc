"""A real worker killed with SIGKILL in the middle of a sweep loses nothing and leaves no
customer half-erased; another worker finishes the job with the same end state."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from customers.models import Customer, ErasureCertificate, RetentionRule
from customers.retention.rules import retention_rules_ensure
from customers.retention.services import retention_sweep_start

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
COUNT = 300


def start_worker(env):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "privacysite",
            "worker",
            "-P",
            "solo",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def erased():
    return Customer.objects.filter(status="erased").count()


def wait(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_sigkill_mid_sweep_then_a_new_worker_finishes_with_the_same_result(
    postgres, redis_url, seeded, settings
):
    from demo.factories import CustomerFactory
    from privacysite.celery import app

    retention_rules_ensure()
    RetentionRule.objects.filter(category="customer").update(notice_days=0)
    old = timezone.now() - datetime.timedelta(days=400)
    CustomerFactory.create_batch(COUNT, last_activity_at=old)
    settings.RETENTION_BATCH_SIZE = 10
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "REDIS_URL": redis_url,
        "DATABASE_URL": f"postgres://{connection.settings_dict['USER']}@"
        f"{connection.settings_dict['HOST']}:{connection.settings_dict['PORT']}/"
        f"{connection.settings_dict['NAME']}",
        "CELERY_VISIBILITY_TIMEOUT": "3",
    }
    app.conf.task_always_eager = False
    app.control.purge()
    try:
        assert retention_sweep_start() is not None
        assert retention_sweep_start() is None  # a second beat plans nothing
        first = start_worker(env)
        try:
            assert wait(lambda: erased() >= 30, 120), "the worker did not start erasing"
            os.kill(first.pid, signal.SIGKILL)
            first.wait(10)
        finally:
            if first.poll() is None:
                first.kill()
        midway = erased()
        assert 0 < midway < COUNT
        # Every customer is untouched or fully erased, never half.
        for customer in Customer.objects.all():
            if customer.status == "erased":
                assert customer.email == "" and customer.full_name == ""
                assert ErasureCertificate.objects.filter(customer=customer).exists()
            else:
                assert customer.email and customer.full_name
                assert not ErasureCertificate.objects.filter(customer=customer).exists()
        second = start_worker(env)
        try:
            assert wait(lambda: erased() == COUNT, 180), f"stuck at {erased()} of {COUNT}"
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(30)
    finally:
        app.conf.task_always_eager = True
    assert ErasureCertificate.objects.count() == COUNT  # each exactly once
    from django.core.management import call_command

    call_command("run_retention")
    assert ErasureCertificate.objects.count() == COUNT  # a second sweep changes nothing
