"""Issue 20: the email suppression list at 1,000,000 customers, paged through over HTTP: a new client's first read (cold: every hash computed,
decrypting, and stored), another new client warmed by the background task run in this
process (timed), then warm reads of each.

    .venv/bin/python bench/bench_api.py            # builds privacysite_bench_api (~5 min)
    .venv/bin/python bench/bench_api.py --reuse    # measures again on it
    .venv/bin/python bench/bench_api.py --reuse --passes 3

The consent lookup's rounds against bare views are bench/bench_lookup.py, on this database.
"""

import argparse
import http.client
import json
import os
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness  # noqa: E402

DATABASE = "privacysite_bench_api"
COUNT = 1_000_000
PORT = 8020


def suppression_pass(key: str, limit: int = 50_000) -> tuple[float, int, int]:
    """Seconds, hashes and pages to read the whole email suppression list over HTTP."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=300)
    path, hashes, pages = f"/api/v1/suppressions/email/?limit={limit}", 0, 0
    started = time.perf_counter()
    while path:
        conn.request("GET", path, headers={"Authorization": f"Bearer {key}"})
        response = conn.getresponse()
        body = json.loads(response.read())
        assert response.status == 200, body
        hashes += len(body["results"])
        pages += 1
        path = body["next"] and body["next"].split(f":{PORT}", 1)[1]
    return time.perf_counter() - started, hashes, pages


def new_client(name: str, scopes) -> str:
    """A fresh client (its stored hashes go with the old one) and its key; the warm task its
    creation queues is not sent, so that its first read is cold."""
    from api.models import ApiClient
    from api.services.clients import api_client_create

    ApiClient.objects.filter(name=name).delete()
    with mock.patch("api.services.clients.subject_hashes_warm_soon"):
        return api_client_create(
            name=name, scopes=scopes, actor="bench", rate_per_minute=100_000_000
        ).key


def spread(seconds: list[float]) -> str:
    return (
        f"median {statistics.median(seconds):.1f} s (min {min(seconds):.1f}, "
        f"max {max(seconds):.1f}; {', '.join(f'{s:.1f}' for s in seconds)})"
    )


def suppression_runs(passes: int) -> dict:
    """Cold first read of one new client, the warm task of another (in-process), warm reads."""
    from django.db import connection

    from api.models import ApiClient, SubjectHash
    from api.services.suppressions import CONTACT_FIELDS, _stale, subject_hashes_warm

    found = {"load_before": os.getloadavg()}
    cold_key = new_client("bench-cold", ["suppression:read"])
    found["cold"] = suppression_pass(cold_key)
    found["cold_warm_reads"] = [suppression_pass(cold_key) for _ in range(passes)]
    warmed_key = new_client("bench-warmed", ["suppression:read"])
    client = ApiClient.objects.get(name="bench-warmed")
    started = time.perf_counter()
    stored, _ = subject_hashes_warm(client_id=client.pk)
    found["warm_task"] = (time.perf_counter() - started, stored)
    found["warmed_reads"] = [suppression_pass(warmed_key) for _ in range(passes)]
    # The daily refresh on warm tables (what beat runs; its warm tasks here in-process).
    started = time.perf_counter()
    stale = sum(_stale(field).delete()[0] for field in CONTACT_FIELDS)
    found["stale"] = (time.perf_counter() - started, stale)
    started = time.perf_counter()
    again, _ = subject_hashes_warm(client_id=client.pk)
    found["warm_again"] = (time.perf_counter() - started, again)
    found["rows"] = SubjectHash.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('api_subjecthash'))")
        found["size"] = cursor.fetchone()[0]
    found["load_after"] = os.getloadavg()
    return found


def suppression_report(found: dict, total: int) -> None:
    print(f"\n## Email suppression list over {total:,} customers (HTTP, 50,000 per page)\n")
    load = ", ".join(f"{x:.1f}" for x in found["load_before"])
    print(
        f"Load average before: {load}; after: {', '.join(f'{x:.1f}' for x in found['load_after'])}\n"
    )
    seconds, hashes, pages = found["cold"]
    print(
        f"- first read of a new client (cold, computing and storing): {hashes:,} hashes in {pages} pages, {seconds:.1f} s"
    )
    warm = [r[0] for r in found["cold_warm_reads"]]
    print(f"- the same client's next reads: {spread(warm)}")
    seconds, stored = found["warm_task"]
    print(
        f"- the warm task for another new client, in-process: {stored:,} hashes in {seconds:.1f} s"
    )
    warm = [r[0] for r in found["warmed_reads"]]
    hashes = {r[1] for r in found["warmed_reads"]}
    print(f"- that client's reads, the first included: {spread(warm)}; hashes per read {hashes}")
    seconds, stale = found["stale"]
    print(f"- daily refresh: deleting stale rows {seconds:.1f} s ({stale} deleted)")
    seconds, again = found["warm_again"]
    print(f"- daily refresh: the warm task over a warm client {seconds:.1f} s ({again} stored)")
    print(f"- api_subjecthash: {found['rows']:,} rows, {found['size']}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--passes", type=int, default=3, help="warm suppression-list passes")
    args = parser.parse_args()
    if not args.reuse:
        harness.recreate_database(DATABASE)
    harness.setup_django(DATABASE)
    from customers.models import Customer

    harness.migrate()
    if not args.reuse:
        harness.populate_customers(COUNT, consent_share=0.3)
    total = Customer.objects.count()
    with harness.gunicorn(workers=2, port=PORT):
        suppression = suppression_runs(args.passes)
    suppression_report(suppression, total)


if __name__ == "__main__":
    main()
