"""Issue 18: verify_audit_log against a plain server-side-cursor loop computing the same HMACs,
over N sealed entries (default 1,000,000), A and B alternating, each pass in a fresh process
(so that each pass's peak RSS is its own).

    .venv/bin/python bench/bench_verify.py [--entries 1000000] [--rounds 3] [--rebuild]

Its own database (privacysite_bench_verify): 1,000 customers and N entries, chained with the
sealer's own hash (chain.chain_hash) and written with COPY (much faster than sealing them).

Passes:
- plain: a named (server-side) cursor over the entries' columns with the connection's own
  loaders (timestamps parsed, jsonb as its text), the sealer's canonical form joined in
  Python, one HMAC per entry, nothing checked: the loop the issue names as the baseline.
- minimal: the same cursor returning the verifier's server-built canonical text, one HMAC per
  entry, nothing checked: the least any verifier of this chain can do in Python.
- verify: ``access_log_verify()`` as ``verify_audit_log`` runs it (links, hashes, late seals,
  signed head, retention, and the by-customer index comparison on a second connection).

All three passes turn PostgreSQL's JIT off for their query (it costs seconds here).
"""

import argparse
import datetime
import hashlib
import hmac
import multiprocessing
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness  # noqa: E402

DATABASE = "privacysite_bench_verify"


def build(entries: int):
    harness.recreate_database(DATABASE)
    harness.setup_django(DATABASE)
    harness.migrate()
    from django.db import connection

    from customers.audit import chain
    from customers.models import AuditChainHead

    harness.populate_customers(1000)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM customers_customer ORDER BY id")
        customers = [r[0] for r in cursor.fetchall()]
    key = chain.key()
    base = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=30)
    prev, raw = "", connection.connection
    columns = (
        "id, at, actor_label, action, customer_ids, fields, reason, seal_seq, prev_hash, hash, "
        "sealed_at"
    )
    with raw.cursor().copy(f"COPY customers_accesslogentry ({columns}) FROM STDIN") as copy:
        for i in range(1, entries + 1):
            at = base + datetime.timedelta(milliseconds=2 * i)
            row = {
                "id": i,
                "at": at,
                "actor_id": None,
                "actor_label": "system:bench",
                "action": "view",
                "customer_ids": [customers[i % 1000]],
                "fields": ["email", "phone_mobile"],
                "reason": "" if i % 7 else f"yêu cầu {i}",
                "ip_address": None,
            }
            digest = chain.chain_hash(prev, row, i, key)
            copy.write_row(
                (
                    i,
                    at,
                    row["actor_label"],
                    row["action"],
                    f"[{customers[i % 1000]}]",
                    '["email", "phone_mobile"]',
                    row["reason"],
                    i,
                    prev,
                    digest,
                    at,
                )
            )
            prev = digest
            if i % 200_000 == 0:
                print(f"  entries: {i}/{entries}", flush=True)
    with raw.cursor().copy(
        "COPY customers_accesslogsubject (entry_id, customer_id) FROM STDIN"
    ) as copy:
        for i in range(1, entries + 1):
            copy.write_row((i, customers[i % 1000]))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('customers_accesslogentry', 'id'), %s)",
            [entries],
        )
        cursor.execute("VACUUM ANALYZE customers_accesslogentry")
        cursor.execute("VACUUM ANALYZE customers_accesslogsubject")
    head = AuditChainHead(pk=1, seq=entries, hash=prev)
    chain.sign(head)
    head.save()


_PLAIN_SQL = (
    "SELECT id, at, actor_id, actor_label, action, customer_ids, fields, reason, ip_address, "
    "seal_seq, hash FROM customers_accesslogentry WHERE seal_seq > 0 ORDER BY seal_seq"
)


def plain():
    from django.db import connection, transaction

    from customers.audit import chain

    key, prev, bad, n, utc = chain.key(), "", 0, 0, datetime.UTC
    base = hmac.new(key, digestmod=hashlib.sha256)
    connection.ensure_connection()
    with transaction.atomic(), connection.connection.cursor(name="plain") as cursor:
        connection.connection.execute("SET LOCAL jit = off")  # as the verifier does
        cursor.itersize = 10_000
        cursor.execute(_PLAIN_SQL)
        # jsonb arrives as its text on Django's connection: used as it is, as the sealer's
        # json.dumps() of these values would write it.
        for id_, at, actor, label, action, cids, fields, reason, ip, seq, digest in cursor:
            text = "\x1f".join(
                (
                    str(seq),
                    str(id_),
                    at.astimezone(utc).isoformat(),
                    str(actor or ""),
                    label,
                    action,
                    cids,
                    fields,
                    reason,
                    str(ip or ""),
                )
            )
            mac = base.copy()
            mac.update(prev.encode() + text.encode())
            bad += mac.hexdigest() != digest
            prev, n = digest, n + 1
    return n, bad


def minimal():
    from django.db import connection, transaction

    from customers.audit import chain, verify

    key, prev, bad, n = chain.key(), "", 0, 0
    base = hmac.new(key, digestmod=hashlib.sha256)
    connection.ensure_connection()
    with transaction.atomic(), connection.connection.cursor(name="minimal") as cursor:
        connection.connection.execute("SET LOCAL jit = off")
        cursor.itersize = 10_000
        cursor.execute(verify._CANONICAL_SQL, (verify.LATE_SEAL_SECONDS, 0))
        for _seq, _id, _prev_hash, digest, text, _late in cursor:
            mac = base.copy()
            mac.update(prev.encode() + text.encode())
            bad += mac.hexdigest() != digest
            prev, n = digest, n + 1
    return n, bad


def full():
    from customers.audit.services import access_log_verify

    result = access_log_verify()
    assert result.ok, result.problems
    return result.checked, len(result.problems)


def index_only():
    from customers.audit import verify

    return 0, len(verify._index_postgresql(0, 20))


PASSES = {"plain": plain, "minimal": minimal, "verify": full, "index": index_only}


def _child(name, conn):
    from django.db import connections

    connections.close_all()
    start = time.perf_counter()
    checked, bad = PASSES[name]()
    took = time.perf_counter() - start
    conn.send((took, checked, bad, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    connections.close_all()


def run(name):
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    process = context.Process(target=_child, args=(name, child))
    process.start()
    result = parent.recv()
    process.join()
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    harness.setup_django(DATABASE)
    from django.db import connection
    from django.db.utils import OperationalError

    try:
        connection.ensure_connection()
        from customers.models import AccessLogEntry

        have = AccessLogEntry.objects.count()
    except (OperationalError, Exception):  # noqa: BLE001  no database or no tables yet
        have = -1
    connection.close()
    if args.rebuild or have != args.entries:
        print(f"building {args.entries:,} sealed entries in {DATABASE} ...", flush=True)
        start = time.perf_counter()
        build(args.entries)
        print(f"  built in {time.perf_counter() - start:.0f} s", flush=True)
        connection.close()

    times = {name: [] for name in ("plain", "minimal", "verify")}
    rss = {name: [] for name in times}
    for round_ in range(args.rounds):
        order = (
            ("plain", "verify", "minimal") if round_ % 2 == 0 else ("verify", "minimal", "plain")
        )
        for name in order:
            took, checked, bad, peak = run(name)
            assert checked == args.entries and bad == 0, (name, checked, bad)
            times[name].append(took)
            rss[name].append(peak / 1024)
            print(f"round {round_ + 1} {name:8} {took:6.2f} s  peak RSS {peak / 1024:.0f} MB")
    index = [run("index")[0] for _ in range(args.rounds)]

    print(f"\n## verify_audit_log over {args.entries:,} entries, {args.rounds} rounds\n")
    for name, values in times.items():
        print(
            f"{name:8} median {statistics.median(values):6.2f} s  (min {min(values):.2f}, "
            f"max {max(values):.2f})  peak RSS {max(rss[name]):.0f} MB"
        )
    print(f"index comparison alone (SQL): median {statistics.median(index):.2f} s")
    for base in ("plain", "minimal"):
        ratios = [v / b for v, b in zip(times["verify"], times[base], strict=True)]
        print(
            f"verify / {base}: median {statistics.median(ratios):.2f}× "
            f"(per round {', '.join(f'{r:.2f}' for r in ratios)})"
        )


if __name__ == "__main__":
    main()
