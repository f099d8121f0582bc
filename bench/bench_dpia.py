"""Issue 19 benchmark: generate the DPIA (and the register) from the live data of 1,000,000
customers, with consents, a year of requests and some incidents. Target: under 30 s.

    .venv/bin/python bench/bench_dpia.py            # builds privacysite_bench_dpia (~5 min)
    .venv/bin/python bench/bench_dpia.py --reuse    # measures again on it
"""

import argparse
import datetime
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness  # noqa: E402

DATABASE = "privacysite_bench_dpia"
CUSTOMERS = 1_000_000
TARGET_SECONDS = 30


def build():
    harness.recreate_database(DATABASE)
    harness.setup_django(DATABASE)
    harness.migrate()
    harness.populate_customers(CUSTOMERS, consent_share=0.2)
    from django.db import connection
    from django.utils import timezone

    from customers.models import DataRequest, Incident, Recipient

    for n, abroad in enumerate([False, False, True, True, False]):
        Recipient.objects.create(
            name=f"Bên nhận {n}",
            kind="processor",
            purpose="Gửi thư",
            data_categories="Họ và tên, email",
            hosted_in="abroad" if abroad else "vn",
        )
    now = timezone.now()
    requests = []
    for n in range(5000):  # a busy year of requests, a tenth answered late
        received = now - datetime.timedelta(days=n % 360)
        due = received.date() + datetime.timedelta(days=10)
        closed = received + datetime.timedelta(days=12 if n % 10 == 0 else 5)
        requests.append(
            DataRequest(
                reference=f"B{n:07d}",
                customer_id=1 + n * 97,
                kind="access",
                status="answered",
                received_at=received,
                acknowledge_by=received.date() + datetime.timedelta(days=2),
                due_on=due,
                closed_at=min(closed, now),
            )
        )
    DataRequest.objects.bulk_create(requests, batch_size=1000)
    Incident.objects.bulk_create(
        Incident(
            status="closed",
            detected_at=now - datetime.timedelta(days=7 * n),
            description="bench",
            volume=n,
            authority_notified_at=now - datetime.timedelta(days=7 * n, hours=-40),
        )
        for n in range(1, 40)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()


def measure(repeat):
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from customers.models import Customer
    from dpo.services.dossiers import dossier_generate

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-dpia-")
    print(f"customers: {Customer.objects.count():,}")
    for kind in ("dpia", "ropa", "tia"):
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                version = dossier_generate(kind=kind, actor=None)
            times.append(time.perf_counter() - start)
        size = version.file.size
        verdict = "✔" if max(times) < TARGET_SECONDS else "✘"
        print(
            f"{kind}: median {statistics.median(times):.2f} s, worst {max(times):.2f} s "
            f"(target < {TARGET_SECONDS} s {verdict}); {len(queries)} queries; {size:,} bytes"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.reuse:
        harness.setup_django(DATABASE)
    else:
        started = time.perf_counter()
        build()
        print(f"built {CUSTOMERS:,} customers in {time.perf_counter() - started:.0f} s")
    measure(args.repeat)


if __name__ == "__main__":
    main()
