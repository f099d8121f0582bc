"""Issue 3 benchmarks: the customer changelist at 1,000 vs 1,000,000 rows, blind-index
search plans and lookups, registration throughput under gunicorn vs a bare INSERT view.

    .venv/bin/python bench/bench_customers.py            # builds the databases once (~4 min)
    .venv/bin/python bench/bench_customers.py --reuse    # measures again on them

Needs PostgreSQL on 127.0.0.1:5432 (trust auth). Loopback only; every load stops by itself.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness  # noqa: E402

SMALL, LARGE = "privacysite_bench_1k", "privacysite_bench"


def build(database, rows):
    harness.recreate_database(database)
    harness.setup_django(database)
    harness.migrate()
    harness.populate_customers(rows, consent_share=0.1)


def measure_changelist(database):
    """Run in a child process per database: timings and query counts of the admin list."""
    harness.setup_django(database)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from customers.desk.admin import CustomerAdmin
    from customers.models import Customer

    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    harness.login_verified(client, user)
    url = "/admin/customers/customer/"
    last = Customer.objects.order_by("-id").first()
    email = last.email
    results = {}
    for label, params in [
        ("page 1", {}),
        ("page 10", {"p": 10}),
        ("search by email", {"q": email}),
        ("search by name part", {"q": "Bình 77"}),
    ]:

        def get(params=params):
            response = client.get(url, params)
            assert response.status_code == 200, (response.status_code, response.get("Location"))

        results[label] = harness.timed(get, repeat=15)[0] * 1000
    queries = {}
    for per_page in (50, 200):
        CustomerAdmin.list_per_page = per_page
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries[per_page] = len(captured)
    print(json.dumps({"ms": results, "queries": queries}))


def measure_lookups():
    harness.setup_django(LARGE)
    import random

    from customers.core.selectors import customer_by_email, customers_matching
    from customers.models import Customer

    top = Customer.objects.order_by("-id").values_list("id", flat=True).first()
    rng = random.Random(1)
    ids = [rng.randint(1, top) for _ in range(300)]
    emails = [f"khach{i - 1}@example.vn" for i in ids]
    by_index = harness.timed(lambda: [customer_by_email(e) for e in emails], repeat=5)[0]
    by_pk = harness.timed(lambda: [Customer.objects.filter(pk=i).first() for i in ids], repeat=5)[0]
    plan = customers_matching(emails[0]).explain()
    return by_index / len(ids) * 1e6, by_pk / len(ids) * 1e6, plan


def measure_registration_throughput(seconds=15):
    harness.setup_django(LARGE)
    from customers.models import Submission

    Submission.objects.filter(processed_at=None).delete()  # left by an interrupted run

    def register(client, job):
        if job is None:
            return client.csrf("/register/")
        index, i, token = job
        status, _ = client.request(
            "POST",
            "/register/",
            {
                "csrfmiddlewaretoken": token,
                "kind": "individual",
                "full_name": "Nguyễn Văn Tải",
                "email": f"load{index}-{i}-{id(client)}@example.vn",
                "phone_mobile": "0903123456",
                "address_home": "1 Lê Lợi, Huế",
                "purpose_surveys": "on",
            },
        )
        return status == 302

    def bare(client, job):
        if job is None:
            return None
        status, _ = client.request("POST", "/bench/bare-insert/", {})
        return status == 200

    with harness.gunicorn(workers=2) as host:
        base = harness.load(host, bare, clients=8, seconds=seconds)
        ours = harness.load(host, register, clients=8, seconds=seconds)
    return base, ours, drain_submissions()


def drain_submissions(workers=2):
    """The worker's half of a registration: two Celery workers process what the load left
    pending (find or create, merge, consents, confirmation), taking turns on the backlog as
    beat's 5-second runs would. Returns (count, per second)."""
    import os
    import signal
    import time

    from customers.models import Submission
    from customers.records.submissions import submissions_process_pending

    pending = Submission.objects.filter(processed_at=None)
    count = pending.count()
    command = [sys.executable, "-m", "celery", "-A", "privacysite", "worker", "-P", "solo"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    processes = [
        subprocess.Popen(
            [*command, "-n", f"drain{n}@%h", "--without-mingle", "--without-gossip", "-Q", "celery"]
            + ["--loglevel=ERROR"],
            cwd=harness.ROOT,
            env=env,
        )
        for n in range(workers)
    ]
    try:
        import redis
        from django.conf import settings

        broker = redis.Redis.from_url(settings.REDIS_URL)
        start = time.perf_counter()
        while pending.exists() and time.perf_counter() - start < 600:
            if broker.llen("celery") < workers:  # what beat sends every 5 s, sent sooner
                submissions_process_pending.delay()
            time.sleep(0.2)
        took = time.perf_counter() - start
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(60)
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # the confirmation emails stay unsent
    return count, count / took


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--child", choices=["changelist"])
    parser.add_argument("--database")
    args = parser.parse_args()
    if args.child:
        measure_changelist(args.database)
        return
    for database, rows in ((SMALL, 1000), (LARGE, args.rows)):
        if args.reuse:
            code = (
                f"import sys; sys.path.insert(0, {str(harness.ROOT)!r}); "
                f"from bench import harness; harness.setup_django({database!r}); "
                "harness.migrate()"
            )
            subprocess.run([sys.executable, "-c", code], check=True)
        else:
            # A child process per database: Django binds to one database per process.
            code = (
                f"import sys; sys.path.insert(0, {str(harness.ROOT)!r}); "
                f"from bench.bench_customers import build; build({database!r}, {rows})"
            )
            subprocess.run([sys.executable, "-c", code], check=True)
    lists = {}
    for database in (SMALL, LARGE):
        out = subprocess.run(
            [sys.executable, __file__, "--child", "changelist", "--database", database],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        lists[database] = json.loads(out.strip().splitlines()[-1])
    print("\n## Customer changelist (Django test client, median of 15, ms)\n")
    print("| request | 1,000 customers | 1,000,000 customers | ratio |")
    print("|---|---|---|---|")
    for label, small in lists[SMALL]["ms"].items():
        large = lists[LARGE]["ms"][label]
        print(f"| {label} | {small:.1f} | {large:.1f} | {large / small:.2f}× |")
    print(
        "\nQueries per changelist page: "
        + ", ".join(f"{n} rows/page → {q} (1M)" for n, q in lists[LARGE]["queries"].items())
        + " · "
        + ", ".join(f"{n} rows/page → {q} (1k)" for n, q in lists[SMALL]["queries"].items())
    )
    index_us, pk_us, plan = measure_lookups()
    print("\n## Lookup by email through the blind index vs by primary key (1M rows)\n")
    print(
        f"blind index (HMAC + index scan + decrypt): {index_us:.0f} µs · "
        f"primary key (index scan + decrypt): {pk_us:.0f} µs · ratio {index_us / pk_us:.2f}×\n"
    )
    print("```\n" + plan + "\n```")
    base, ours, (drained, drain_rate) = measure_registration_throughput()
    print("\n## Registration POSTs under gunicorn (2 workers, 8 clients, 15 s)\n")
    print("| endpoint | req/s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|")
    print(f"| bare view, one INSERT | {base[0]:.0f} | {base[1]:.1f} | {base[2]:.1f} | {base[3]} |")
    print(f"| /register/ | {ours[0]:.0f} | {ours[1]:.1f} | {ours[2]:.1f} | {ours[3]} |")
    print(f"\nratio /register/ ÷ bare: {ours[0] / base[0]:.2f}×")
    print(
        f"\nthe workers' half: {drained} accepted registrations processed by two Celery "
        f"workers at {drain_rate:.0f}/s (includes the workers starting)"
    )


if __name__ == "__main__":
    main()
