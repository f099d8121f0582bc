"""Issue 20: a consent read through the API under gunicorn, as a ratio to bare one-SELECT
views measured in the same run, rounds alternating (A B C, then C B A, ...).

    .venv/bin/python bench/bench_lookup.py [--database privacysite_bench_api] [--rounds 6]

Needs the database bench/bench_api.py builds (1,000,000 customers, 30 % consenting to
marketing email). Three endpoints on one gunicorn (2 sync workers, bench.settings: DEBUG off,
PostgreSQL with fsync and synchronous commit, Redis), each loaded by Debian's wrk (2 threads,
8 connections), a random customer per request:

- **lookup**: ``POST /api/v1/consents/lookup/`` with a random existing email and a key;
- **bare POST**: a Django view doing one indexed SELECT on the consent states for a random
  id, POSTed as JSON through the site's middleware, as the API is;
- **bare GET**: the same SELECT as a GET through the site's full middleware chain (the
  baseline of the first measurement, kept for comparison).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness  # noqa: E402

PORT = int(os.environ.get("BENCH_PORT", "8022"))

LOOKUP_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(key)s"
request = function()
  local n = math.random(0, %(count)d - 1)
  return wrk.format(nil, "/api/v1/consents/lookup/", nil, '{"email": "khach' .. n .. '@example.vn"}')
end
"""
BARE_POST_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  return wrk.format(nil, "/bench/bare-select-post/", nil, '{"id": ' .. math.random(1, %(count)d) .. '}')
end
"""
BARE_GET_LUA = """
request = function()
  return wrk.format("GET", "/bench/bare-select/?id=" .. math.random(1, %(count)d))
end
"""


def wrk(script: str, seconds: int) -> tuple[float, int]:
    """Requests per second and the count of answers that were not 2xx/3xx."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    out = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", "-s", lua.name, f"http://127.0.0.1:{PORT}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rate, int(bad.group(1)) if bad else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="privacysite_bench_api")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    harness.setup_django(args.database)
    harness.migrate()
    from api.models import ApiClient
    from api.services.clients import api_client_create
    from customers.models import AccessLogEntry, Customer

    ApiClient.objects.filter(name="bench-lookup").delete()
    key = api_client_create(
        name="bench-lookup", scopes=["consent:read"], actor="bench", rate_per_minute=10**9
    ).key
    total = Customer.objects.count()
    scripts = {
        "bare GET": BARE_GET_LUA % {"count": total},
        "bare POST": BARE_POST_LUA % {"count": total},
        "lookup": LOOKUP_LUA % {"key": key, "count": total},
    }
    logged_before = AccessLogEntry.objects.filter(actor_label="api:bench-lookup").count()
    rates: dict[str, list[float]] = {name: [] for name in scripts}
    errors = 0
    with harness.gunicorn(workers=2, port=PORT):
        for script in scripts.values():  # warm-up: connections, caches, prepared statements
            wrk(script, 2)
        for round_ in range(args.rounds):
            names = list(scripts) if round_ % 2 == 0 else list(reversed(scripts))
            for name in names:
                rate, bad = wrk(scripts[name], args.seconds)
                rates[name].append(rate)
                errors += bad
                print(f"round {round_ + 1} {name}: {rate:.0f} req/s, non-2xx {bad}", flush=True)
    logged = AccessLogEntry.objects.filter(actor_label="api:bench-lookup").count() - logged_before
    print(f"\n{total:,} customers; {errors} non-2xx answers; {logged:,} lookups logged\n")
    print("| endpoint | req/s per round | median |")
    print("|---|---|---|")
    for name, values in rates.items():
        shown = " · ".join(f"{v:.0f}" for v in values)
        print(f"| {name} | {shown} | {statistics.median(values):.0f} |")
    print("\n| ratio | per round | median | spread |")
    print("|---|---|---|---|")
    for base in ("bare POST", "bare GET"):
        ratios = [a / b for a, b in zip(rates["lookup"], rates[base], strict=True)]
        shown = " · ".join(f"{r:.2f}" for r in ratios)
        print(
            f"| lookup ÷ {base} | {shown} | **{statistics.median(ratios):.2f}×** "
            f"| {min(ratios):.2f}–{max(ratios):.2f} |"
        )


if __name__ == "__main__":
    main()
