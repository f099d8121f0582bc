"""Issue 20 benchmarks: a consent read through the API under gunicorn as a ratio to a bare
one-SELECT view (wrk, alternating rounds), and the email suppression list at 1,000,000
customers, paged through over HTTP.

    .venv/bin/python bench/bench_api.py            # builds privacysite_bench_api (~5 min)
    .venv/bin/python bench/bench_api.py --reuse    # measures again on it
"""

import argparse
import http.client
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--passes", type=int, default=2, help="suppression-list passes")
    args = parser.parse_args()
    if not args.reuse:
        harness.recreate_database(DATABASE)
    harness.setup_django(DATABASE)
    from api.models import ApiClient
    from api.services.clients import api_client_create
    from customers.models import Customer

    harness.migrate()
    if not args.reuse:
        harness.populate_customers(COUNT, consent_share=0.3)
    ApiClient.objects.filter(name="bench").delete()
    key = api_client_create(
        name="bench",
        scopes=["consent:read", "suppression:read"],
        actor="bench",
        rate_per_minute=100_000_000,
    ).key
    total = Customer.objects.count()
    lookup = LOOKUP_LUA % {"key": key, "count": total}
    # A second gunicorn whose API reads commit their access-log entry asynchronously.
    fast = {"API_ACCESS_LOG_ASYNC_COMMIT": "True"}
    with harness.gunicorn(workers=2, port=PORT), harness.gunicorn(2, PORT + 1, env=fast):
        wrk(BARE_LUA % {"count": total}, 3)  # warm both
        wrk(lookup, 3)
        wrk(lookup, 3, port=PORT + 1)
        rows = []
        for _ in range(args.rounds):
            bare = wrk(BARE_LUA % {"count": total}, args.seconds)
            ours = wrk(lookup, args.seconds)
            async_ = wrk(lookup, args.seconds, port=PORT + 1)
            rows.append((bare, ours, async_))
        suppression = [suppression_pass(key) for _ in range(args.passes)]
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
    print(f"\n## Email suppression list over {total:,} customers (HTTP, 50,000 per page)\n")
    for seconds, hashes, pages in suppression:
        print(f"- {hashes:,} hashes in {pages} pages: {seconds:.1f} s")


if __name__ == "__main__":
    main()
