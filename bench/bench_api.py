"""Issue 20 benchmarks: a consent read through the API under gunicorn as a ratio to a bare
one-SELECT view (wrk, alternating rounds), and the email suppression list at 1,000,000
customers, paged through over HTTP: a new client's first read (cold: every hash computed,
decrypting, and stored), another new client warmed by the background task run in this
process (timed), then warm reads of each.

    .venv/bin/python bench/bench_api.py            # builds privacysite_bench_api (~5 min)
    .venv/bin/python bench/bench_api.py --reuse    # measures again on it
    .venv/bin/python bench/bench_api.py --reuse --suppression-only --passes 3
"""

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness  # noqa: E402

DATABASE = "privacysite_bench_api"
COUNT = 1_000_000
PORT = 8020

LOOKUP_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(key)s"
request = function()
  local n = math.random(0, %(count)d - 1)
  return wrk.format(nil, "/api/v1/consents/lookup/", nil, '{"email": "khach' .. n .. '@example.vn"}')
end
"""
BARE_LUA = """
request = function()
  return wrk.format("GET", "/bench/bare-select/?id=" .. math.random(1, %(count)d))
end
"""


def wrk(
    script: str, seconds: int, connections: int = 8, port: int = PORT
) -> tuple[float, str, int]:
    """Requests per second, p50 latency and non-2xx count of one wrk round."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            lua.name,
            f"http://127.0.0.1:{PORT}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+(\S+)", out).group(1)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rate, p50, int(bad.group(1)) if bad else 0


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
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--passes", type=int, default=3, help="warm suppression-list passes")
    parser.add_argument(
        "--suppression-only", action="store_true", help="leave out the consent-lookup rounds"
    )
    args = parser.parse_args()
    if not args.reuse:
        harness.recreate_database(DATABASE)
    harness.setup_django(DATABASE)
    from customers.models import Customer

    harness.migrate()
    if not args.reuse:
        harness.populate_customers(COUNT, consent_share=0.3)
    key = new_client("bench", ["consent:read", "suppression:read"])
    total = Customer.objects.count()
    lookup = LOOKUP_LUA % {"key": key, "count": total}
    # A second gunicorn whose API reads commit their access-log entry asynchronously.
    fast = {"API_ACCESS_LOG_ASYNC_COMMIT": "True"}
    rows = []
    with harness.gunicorn(workers=2, port=PORT), harness.gunicorn(2, PORT + 1, env=fast):
        if not args.suppression_only:
            wrk(BARE_LUA % {"count": total}, 3)  # warm both
            wrk(lookup, 3)
            wrk(lookup, 3, port=PORT + 1)
            for _ in range(args.rounds):
                bare = wrk(BARE_LUA % {"count": total}, args.seconds)
                ours = wrk(lookup, args.seconds)
                async_ = wrk(lookup, args.seconds, port=PORT + 1)
                rows.append((bare, ours, async_))
        suppression = suppression_runs(args.passes)
    if rows:
        print(
            f"\n## Consent lookup under gunicorn (2 workers, wrk 2 threads × 8 connections, "
            f"{args.seconds} s rounds, {total:,} customers)\n"
        )
        print(
            "| round | bare one-SELECT req/s (p50) | lookup req/s (p50) | ratio "
            "| lookup, async log commit (p50) | ratio |"
        )
        print("|---|---|---|---|---|---|")
    for n, (bare, ours, async_) in enumerate(rows, 1):
        print(
            f"| {n} | {bare[0]:.0f} ({bare[1]}) | {ours[0]:.0f} ({ours[1]}, non-2xx {ours[2]}) "
            f"| {ours[0] / bare[0]:.2f}× | {async_[0]:.0f} ({async_[1]}, non-2xx {async_[2]}) "
            f"| {async_[0] / bare[0]:.2f}× |"
        )
    suppression_report(suppression, total)


if __name__ == "__main__":
    main()
