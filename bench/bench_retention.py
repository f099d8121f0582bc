"""Issue 7 benchmark: erase the due 10% of N customers (default 200,000; --rows 1000000 for
the full run) with the sweep (planned as beat does, batches taken by two Celery workers on
Redis) vs one raw SQL transaction doing the same to the same rows (deletes, wipes and one
certificate per customer), on two identical PostgreSQL databases built in the same run.

    .venv/bin/python bench/bench_retention.py [--rows 1000000]
"""

import argparse
import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness  # noqa: E402

OURS, RAW = "privacysite_bench_ret", "privacysite_bench_ret_raw"


def build(rows):
    harness.recreate_database(OURS)
    harness.setup_django(OURS)
    harness.migrate()
    harness.populate_customers(rows)
    from django.db import connection

    with connection.cursor() as cursor:  # every tenth customer: inactive for 13 months
        cursor.execute(
            "UPDATE customers_customer SET last_activity_at = now() - interval "
            "'400 days', erasure_notice_sent_at = now() - interval '40 days' "
            "WHERE id % 10 = 0"
        )
        cursor.execute("ANALYZE")
    connection.close()
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", RAW], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "-T", OURS, RAW], check=True)


def ours():
    """The real thing: today's sweep planned by the beat task's code, its batches fanned out
    on Redis and taken by two Celery worker processes; timed until every due customer is
    erased. Peak memory is each worker's high-water mark (VmHWM)."""
    harness.setup_django(OURS)
    import redis
    from django.conf import settings

    from customers.models import ErasureCertificate
    from customers.retention import services as retention

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    command = [sys.executable, "-m", "celery", "-A", "privacysite", "worker", "-P", "solo"]
    workers = [
        subprocess.Popen(
            [*command, "-n", f"ret{n}@%h", "--without-mingle", "--without-gossip"]
            + ["--loglevel=ERROR"],
            cwd=harness.ROOT,
            env=env,
        )
        for n in range(2)
    ]
    try:
        time.sleep(8)  # both workers up and waiting, as in production
        start = time.perf_counter()
        run = retention.retention_sweep_start()
        planned = time.perf_counter() - start
        due = run.summary["planned"]["customer_erase"]
        # Watching the small certificate table, not counting the customers: the watcher must
        # not compete with the workers for the database.
        while ErasureCertificate.objects.count() < due:
            time.sleep(0.2)
        took = time.perf_counter() - start
        peaks = [_peak_rss_mb(w.pid) for w in workers]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(60)
    print(f"OURS {due} {planned:.1f} {took:.1f} {max(peaks):.0f} {settings.RETENTION_BATCH_SIZE}")


def _peak_rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def raw():
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{RAW}", autocommit=True) as c:
        start = time.perf_counter()
        with c.transaction():
            due = "SELECT id FROM customers_customer WHERE last_activity_at < now() - interval '365 days'"
            for table in (
                "customers_submission",
                "customers_message",
                "customers_customerchange",
                "customers_warranty",
                "consents_consentstate",
            ):
                c.execute(f"DELETE FROM {table} WHERE customer_id IN ({due})")  # noqa: S608
            c.execute(
                "UPDATE consents_consentevent SET ip_address='', user_agent='', "
                f"call_reference='' WHERE customer_id IN ({due})"
            )  # noqa: S608
            cur = c.execute(
                "UPDATE customers_customer SET full_name='', business_name='', contact_person='', "
                "tax_code='', email='', phone_mobile='', phone_home='', phone_office='', "
                "address_home='', address_office='', notes='', email_index='', tax_code_index='', "
                "phone_mobile_index='', phone_home_index='', phone_office_index='', "
                "status='erased', erased_at=now() WHERE last_activity_at < now() - interval "
                "'365 days'"
            )
            erased = cur.rowcount
            # The tombstones the sweep writes, one per erased customer.
            c.execute(
                "INSERT INTO customers_erasurecertificate (customer_id, erased_at, trigger, "
                "reason, actor_label, kept, counts) SELECT id, now(), 'inactivity', 'bench', "
                "'system:retention', '[]', '{}' FROM customers_customer "
                "WHERE status = 'erased' AND erased_at = now()"
            )
        print(f"RAW {erased} {time.perf_counter() - start:.1f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--part", choices=["build", "ours", "raw"])
    args = parser.parse_args()
    if args.part:
        {"build": lambda: build(args.rows), "ours": ours, "raw": raw}[args.part]()
        return
    me = [sys.executable, __file__, "--rows", str(args.rows), "--part"]
    subprocess.run([*me, "build"], check=True)
    out_raw = subprocess.run([*me, "raw"], check=True, capture_output=True, text=True).stdout
    out_ours = subprocess.run([*me, "ours"], check=True, capture_output=True, text=True).stdout
    _, raw_n, raw_s = next(line for line in out_raw.splitlines() if line.startswith("RAW")).split()
    _, n, planned, took, rss, size = next(
        line for line in out_ours.splitlines() if line.startswith("OURS")
    ).split()
    print(
        f"\n## Retention sweep over {args.rows:,} customers ({raw_n} due), "
        f"{datetime.date.today()}\n"
    )
    print(
        f"raw SQL (one transaction, certificates included): {raw_s} s · sweep with two "
        f"Celery workers ({n} erased in batches of {size}, blocker checks, certificates and "
        f"access-log entries included): {took} s (plan {planned} s) · "
        f"ratio {float(took) / float(raw_s):.2f}× · peak RSS per worker {rss} MB"
    )


if __name__ == "__main__":
    main()
