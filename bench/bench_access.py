"""Issue 5 benchmarks: the customer change view with the access log on vs off, audit-log
inserts from 8 concurrent writers vs plain inserts into a table of the same shape, and
verify_audit_log over N entries (default 1,000,000).

    .venv/bin/python bench/bench_customers.py      # builds privacysite_bench first
    .venv/bin/python bench/bench_access.py [--entries 1000000]
"""

import argparse
import multiprocessing
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness  # noqa: E402

harness.setup_django("privacysite_bench")


def change_view_ratio():
    from unittest import mock

    from django.contrib.auth import get_user_model
    from django.test import Client

    from customers.models import Customer

    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    harness.login_verified(client, user)
    ids = list(Customer.objects.order_by("-id").values_list("id", flat=True)[:50])
    urls = [f"/admin/customers/customer/{i}/change/" for i in ids]

    def views():
        for url in urls:
            assert client.get(url).status_code == 200

    with mock.patch("customers.audit.admin_base.access_log"):
        off = harness.timed(views, repeat=5)[0]
    on = harness.timed(views, repeat=5)[0]
    return off / len(urls) * 1000, on / len(urls) * 1000


def plain_model():
    """A model of the same shape as the access log, without the chain: the baseline."""
    from django.db import models

    class PlainLog(models.Model):
        at = models.DateTimeField()
        actor_label = models.CharField(max_length=150)
        action = models.CharField(max_length=10)
        customer_ids = models.JSONField()
        fields = models.JSONField()
        reason = models.CharField(max_length=255, blank=True)

        class Meta:
            app_label = "customers"
            db_table = "bench_plain_log"
            managed = False

        def __str__(self):
            return str(self.pk)

    return PlainLog


PLAIN = plain_model()


def _writer(kind, count):
    from django.db import connections
    from django.utils import timezone

    from customers.audit.services import access_log

    connections.close_all()
    for i in range(count):
        if kind == "audit":
            access_log(
                actor="system:bench", action="view", customers=[1 + i % 1000], fields=["email"]
            )
        else:
            PLAIN.objects.create(
                at=timezone.now(),
                actor_label="system:bench",
                action="view",
                customer_ids=[1 + i % 1000],
                fields=["email"],
                reason="",
            )
    connections.close_all()


def inserts_per_second(kind, writers=8, each=2000):
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_writer, args=(kind, each)) for _ in range(writers)]
    start = time.perf_counter()
    for p in processes:
        p.start()
    for p in processes:
        p.join()
    return writers * each / (time.perf_counter() - start)


def fill_log(total):
    from django.db import connection

    from customers.models import AccessLogEntry

    have = AccessLogEntry.objects.count()
    if have >= total:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO customers_accesslogentry (at, actor_label, action, customer_ids, "
            "fields, reason, prev_hash, hash) SELECT now(), 'system:bench', 'view', "
            "jsonb_build_array(g %% 1000 + 1), '[\"email\"]', '', '', '' "
            "FROM generate_series(1, %s) g",
            [total - have],
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    args = parser.parse_args()
    from django.db import connection

    from customers.audit.services import access_log_seal, access_log_verify

    harness.migrate()
    off, on = change_view_ratio()
    print("\n## Customer change view, access log off vs on (50 customers, median of 5)\n")
    print(f"off: {off:.1f} ms/view · on: {on:.1f} ms/view · ratio {on / off:.2f}×")

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain_log")
        cursor.execute(
            "CREATE TABLE bench_plain_log (id bigserial primary key, at timestamptz, "
            "actor_label varchar(150), action varchar(10), customer_ids jsonb, "
            "fields jsonb, reason varchar(255))"
        )
    plain = inserts_per_second("plain")
    audit = inserts_per_second("audit")
    print("\n## Inserts per second, 8 concurrent writers (2,000 each)\n")
    print(
        f"plain table (same shape, same ORM path): {plain:.0f}/s · access log (one INSERT; "
        f"sealed and indexed later by the sealer): "
        f"{audit:.0f}/s · ratio {audit / plain:.2f}×"
    )

    fill_log(args.entries)
    start = time.perf_counter()
    while access_log_seal(batch=20_000):
        pass
    sealed = time.perf_counter() - start
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    result = access_log_verify(chunk=10_000)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"\n## verify_audit_log over {result.checked:,} entries\n")
    print(
        f"sealing took {sealed:.0f} s; verification {took:.1f} s, ok={result.ok}; peak RSS "
        f"{before / 1024:.0f} MB before, {after / 1024:.0f} MB after (flat: streamed in chunks)"
    )


if __name__ == "__main__":
    main()
