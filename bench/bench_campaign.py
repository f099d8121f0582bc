"""Issue 8 benchmark: a marketing-email campaign whose audience is the ~100,000 consenting
customers out of 1,000,000 (privacysite_bench): computing the audience and enqueueing its
batches, against listing the same ids alone; then messages sent per second by two Celery
workers (locmem email backend), against the same two workers running a bare one-INSERT task.

    .venv/bin/python bench/bench_campaign.py [--seconds 60]

Needs the database that bench/bench_customers.py builds. Redis database 15; loopback only.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness  # noqa: E402

harness.setup_django("privacysite_bench")


def start_workers(count=2):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    command = [sys.executable, "-m", "celery", "-A", "privacysite", "worker", "-P", "solo"]
    return [
        subprocess.Popen(
            [*command, "-n", f"bench{n}@%h", "--without-mingle", "--without-gossip"]
            + ["--loglevel=ERROR"],
            cwd=harness.ROOT,
            env=env,
        )
        for n in range(count)
    ]


def stop_workers(workers):
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        worker.wait(60)


def rate(count_done, seconds, warm_up=10):
    """Per second, over ``seconds`` after a warm-up (workers starting, Django loading)."""
    workers = start_workers()
    try:
        time.sleep(warm_up)
        before, t0 = count_done(), time.perf_counter()
        time.sleep(seconds)
        after, elapsed = count_done(), time.perf_counter() - t0
    finally:
        stop_workers(workers)
    return (after - before) / elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from customers.consents.models import Purpose
    from customers.consents.selectors import customer_ids_consenting
    from customers.models import Campaign
    from customers.outreach.services import campaign_audience, campaign_preview, campaign_start

    purpose = Purpose.objects.get(code="marketing_email")
    user, _ = get_user_model().objects.get_or_create(username="bench-sales")
    baseline = harness.timed(
        lambda: list(customer_ids_consenting("marketing_email").all()), repeat=3
    )[0]
    campaign = Campaign.objects.create(
        purpose=purpose,
        subject_vi="Ưu đãi",
        subject_en="Offer",
        body_vi="Giảm 20%",
        body_en="20% off",
        created_by=user,
    )
    audience = campaign_audience(campaign).count()
    # The confirmation staff give after the preview (not timed: a person reads it first).
    confirmation = campaign_preview(campaign=campaign, actor=None).confirmation
    start = time.perf_counter()
    with transaction.atomic():
        count = campaign_start(campaign=campaign, actor=None, confirmation=confirmation)
    took = time.perf_counter() - start
    import redis
    from django.conf import settings

    from bench.tasks import bare_insert
    from customers.consents.models import CookieConsent
    from customers.models import Message

    broker = redis.Redis.from_url(settings.REDIS_URL)
    messages_per_second = rate(
        lambda: Message.objects.filter(campaign=campaign, status="sent").count(), args.seconds
    )
    broker.flushdb()  # the rest of the campaign stays unsent
    for _ in range(int(args.seconds * 500)):
        bare_insert.delay()
    bare_per_second = rate(CookieConsent.objects.count, args.seconds)
    left = broker.llen("celery")
    assert left, "the baseline ran out of tasks: enqueue more"
    broker.flushdb()
    Message.objects.filter(campaign=campaign)._raw_delete(Message.objects.db)
    print(f"\n## Campaign to {count:,} consenting customers of 1,000,000\n")
    print(
        f"audience {audience:,}; computing it and enqueueing {count // 500 + 1} batches took "
        f"{took:.2f} s; listing the consenting ids alone took {baseline:.2f} s "
        f"(ratio {took / baseline:.1f}×)"
    )
    print(
        f"\nsending with 2 workers (solo pool each), over {args.seconds:.0f} s after a 10 s "
        f"warm-up: {messages_per_second:.0f} messages/s; the same workers running a bare "
        f"one-INSERT task: {bare_per_second:.0f} tasks/s "
        f"(ratio {messages_per_second / bare_per_second:.2f}×)"
    )


if __name__ == "__main__":
    main()
