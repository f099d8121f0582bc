"""Issue 9 load: 50 concurrent clients for 60 s against gunicorn + PostgreSQL + Redis, mixing
the four public endpoints customers use. Every accepted submission is counted and then looked
for in the database.

    .venv/bin/python bench/load.py                     # 50 clients, 60 s
    .venv/bin/python bench/load.py --clients 10 --seconds 10

Builds its own database (privacysite_load, or $LOAD_DATABASE) each run; Redis database 15 (or
$REDIS_URL); port 8765 (or $LOAD_PORT); loopback only; stops by itself. gunicorn runs deploy/gunicorn.conf.py's worker count for this machine.
"""

import argparse
import collections
import multiprocessing
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness  # noqa: E402

DATABASE = os.environ.get("LOAD_DATABASE", "privacysite_load")
PORT = int(os.environ.get("LOAD_PORT", "8765"))
KNOWN_CUSTOMERS = 200


def prepare():
    harness.recreate_database(DATABASE)
    harness.setup_django(DATABASE)
    from django.core.cache import cache

    cache.clear()  # the Redis database may hold another database's cached rows
    harness.migrate()
    from demo.factories import CustomerFactory

    for n in range(KNOWN_CUSTOMERS):
        CustomerFactory(email=f"known{n}@example.vn")


class Mix:
    """One client's round: register, ask for a service, choose cookies, ask for my data."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = collections.defaultdict(list)
        self.errors = collections.Counter()
        self.accepted = collections.Counter()

    def __call__(self, client, job):
        if job is None:
            return {
                "register": client.csrf("/register/"),
                "service": client.csrf("/service-request/"),
                "my_data": client.csrf("/my-data/"),
            }
        index, i, tokens = job
        unique = f"{index}-{i}-{id(client)}"
        steps = [
            (
                "register",
                "/register/",
                {
                    "csrfmiddlewaretoken": tokens["register"],
                    "kind": "individual",
                    "full_name": "Nguyễn Thị Tải",
                    "email": f"reg{unique}@example.vn",
                    "phone_mobile": "0903123456",
                    "address_home": "12 Trần Phú, Đà Nẵng",
                    "purpose_surveys": "on",
                },
                302,
            ),
            (
                "service_request",
                "/service-request/",
                {
                    "csrfmiddlewaretoken": tokens["service"],
                    "full_name": "Trần Văn Dịch Vụ",
                    "address_home": "5 Lý Thường Kiệt, Hà Nội",
                    "email": f"svc{unique}@example.vn",
                    "phone_mobile": "0912345678",
                    "services": ["hosting", "cctv"],
                    "notes": "Gọi sau 17 giờ",
                },
                302,
            ),
            (
                "cookies",
                "/cookies/",
                {"csrfmiddlewaretoken": tokens["register"], "choice": "reject_all"},
                302,
            ),
            (
                "my_data",
                "/my-data/",
                {
                    "csrfmiddlewaretoken": tokens["my_data"],
                    "email": f"known{i % KNOWN_CUSTOMERS}@example.vn",
                },
                200,
            ),
        ]
        ok_all = True
        for name, path, body, expected in steps:
            t0 = time.perf_counter()
            try:
                status, _ = client.request("POST", path, body)
            except OSError:
                status = 0
            elapsed = time.perf_counter() - t0
            with self.lock:
                self.latencies[name].append(elapsed)
                if status == expected:
                    self.accepted[name] += 1
                else:
                    self.errors[name] += 1
                    ok_all = False
        return ok_all


def count_in_database():
    from consents.models import CookieConsent
    from customers.models import Submission

    return {
        "register": Submission.objects.filter(form="register").count(),
        "service_request": Submission.objects.filter(form="service_request").count(),
        "cookies": CookieConsent.objects.count(),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    prepare()
    workers = multiprocessing.cpu_count() * 2 + 1
    mix = Mix()
    with harness.gunicorn(workers=workers, port=PORT) as host:
        started = time.monotonic()
        harness.load(host, mix, clients=args.clients, seconds=args.seconds)
        duration = time.monotonic() - started
    stored = count_in_database()
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # queued confirmation emails
    print(
        f"\n## Load: {args.clients} clients for {args.seconds:.0f} s, gunicorn {workers} "
        f"workers, PostgreSQL + Redis ({multiprocessing.cpu_count()} cores shared with the "
        "load generator)\n"
    )
    print("| endpoint | requests | req/s | p50 ms | p99 ms | errors | accepted | in database |")
    print("|---|---|---|---|---|---|---|---|")
    for name in ("register", "service_request", "cookies", "my_data"):
        samples = sorted(mix.latencies[name])
        count = len(samples)
        print(
            f"| {name} | {count} | {count / duration:.1f} | {samples[count // 2] * 1000:.0f} "
            f"| {samples[int(count * 0.99)] * 1000:.0f} | {mix.errors[name]} "
            f"| {mix.accepted[name]} | {stored.get(name, '-')} |"
        )
    total = sum(len(v) for v in mix.latencies.values())
    print(
        f"\nall: {total} requests, {total / duration:.1f} req/s, {sum(mix.errors.values())} errors"
    )
    lost = {k: mix.accepted[k] - v for k, v in stored.items() if mix.accepted[k] != v}
    print("every accepted submission is in the database" if not lost else f"MISMATCH {lost}")
    return 1 if lost or sum(mix.errors.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
