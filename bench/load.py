"""Issue 9 load: 50 concurrent clients for 60 s against gunicorn + PostgreSQL + Redis, mixing
the four public endpoints customers use. Every accepted submission is counted and then looked
for in the database.

    .venv/bin/python bench/load.py                     # 50 clients, 60 s
    .venv/bin/python bench/load.py --clients 10 --seconds 10
    .venv/bin/python bench/load.py --generator wrk     # the same mix from wrk (C, Lua)

``--generator threads`` (the default, as first measured): Python threads with http.client,
which on a two-core machine take much of the CPU themselves. ``--generator wrk``: Debian's
wrk, 50 connections, each POSTing the four forms in turn (the same bodies, a fresh email
each time), classifying every answer by its status and redirect target.

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
                (200, 302),  # the same page for any address; 302 since redirect-after-POST
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
                if status in (expected if isinstance(expected, tuple) else (expected,)):
                    self.accepted[name] += 1
                else:
                    self.errors[name] += 1
                    ok_all = False
        return ok_all


WRK_LUA = r"""
local templates = {%(templates)s}
local paths = {"/register/", "/service-request/", "/cookies/", "/my-data/"}
local counter = 0
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", "t" .. #threads .. "x" .. os.time())
end
function init(args)
  register, service_request, cookies, my_data, wrong = 0, 0, 0, 0, 0
end
-- A new address per request, and per run: a base that moves on with the clock, so that
-- no address is used twice in the limit's 10 minutes (2^24 addresses).
function address(n)
  return ((os.time() %% 1024) * 16384 + (tonumber(string.sub(tid, 2, 2)) %% 2) * 8192 + n) %% 16777216
end
function request()
  counter = counter + 1
  local step = counter %% 4 + 1
  local body = templates[step]:gsub("UNIQUE", tid .. "n" .. counter)
  return wrk.format("POST", paths[step], {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=%(cookie)s",
    ["User-Agent"] = "privacysite-bench",
    -- a visitor's address each request (bench.settings trusts one proxy, as behind nginx)
    ["X-Forwarded-For"] = string.format("10.%%d.%%d.%%d",
    math.floor(address(counter) / 65536) %% 256, math.floor(address(counter) / 256) %% 256,
    address(counter) %% 256),
  }, body)
end
function response(status, headers, body)
  local where = headers["Location"] or ""
  if status == 302 and where:find("/register/done/", 1, true) then register = register + 1
  elseif status == 302 and where:find("/service-request/done/", 1, true) then
    service_request = service_request + 1
  elseif (status == 302 and where:find("/my-data/", 1, true)) or status == 200 then
    my_data = my_data + 1
  elseif status == 302 then cookies = cookies + 1
  else wrong = wrong + 1 end
end
function done(summary, latency, requests)
  local totals = {register = 0, service_request = 0, cookies = 0, my_data = 0, wrong = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do totals[name] = totals[name] + thread:get(name) end
  end
  for name, value in pairs(totals) do io.write("RESULT ", name, " ", value, "\n") end
  io.write("RESULT p50 ", latency:percentile(50) / 1000, "\n")
  io.write("RESULT p99 ", latency:percentile(99) / 1000, "\n")
end
"""


def wrk_load(host, *, clients: int, seconds: float):
    """The same mix from wrk: ({endpoint: accepted}, wrong answers, requests, p50, p99)."""
    import re
    import subprocess
    import tempfile
    import urllib.parse

    client = harness.Client(host)
    token = client.csrf("/register/")
    forms = [
        {
            "kind": "individual",
            "full_name": "Nguyễn Thị Tải",
            "email": "regUNIQUE@example.vn",
            "phone_mobile": "0903123456",
            "address_home": "12 Trần Phú, Đà Nẵng",
            "purpose_surveys": "on",
            "submission_key": "UNIQUE",
        },
        {
            "full_name": "Trần Văn Dịch Vụ",
            "address_home": "5 Lý Thường Kiệt, Hà Nội",
            "email": "svcUNIQUE@example.vn",
            "phone_mobile": "0912345678",
            "services": ["hosting", "cctv"],
            "notes": "Gọi sau 17 giờ",
            "submission_key": "sUNIQUE",
        },
        {"choice": "reject_all"},
        {"email": "knownUNIQUE@example.vn"},
    ]
    bodies = [
        urllib.parse.urlencode({"csrfmiddlewaretoken": token, **form}, doseq=True).replace(
            "%40", "@"
        )
        for form in forms
    ]
    # A known customer's address for the my-data request, as in the threads' mix.
    bodies[3] = bodies[3].replace("knownUNIQUE@", "known7@")
    script = WRK_LUA % {
        "templates": ", ".join(f'"{body}"' for body in bodies),
        "cookie": client.cookies["csrftoken"],
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{clients}", f"-d{int(seconds)}s", "-s", lua.name, f"http://{host}/"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    results = {m[0]: float(m[1]) for m in re.findall(r"RESULT (\w+) ([\d.]+)", out)}
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    accepted = {k: int(results[k]) for k in ("register", "service_request", "cookies", "my_data")}
    return accepted, int(results["wrong"]), requests, results["p50"], results["p99"]


def count_in_database():
    from customers.consents.models import CookieConsent
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
    parser.add_argument("--generator", choices=["threads", "wrk"], default="threads")
    args = parser.parse_args()
    prepare()
    workers = multiprocessing.cpu_count() * 2 + 1
    if args.generator == "wrk":
        return main_wrk(args, workers)
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


def main_wrk(args, workers):
    with harness.gunicorn(workers=workers, port=PORT) as host:
        wrk_out = wrk_load(host, clients=args.clients, seconds=args.seconds)
    accepted, wrong, requests, p50, p99 = wrk_out
    stored = count_in_database()
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # queued confirmation emails
    print(
        f"\n## Load (wrk): {args.clients} connections for {args.seconds:.0f} s, gunicorn "
        f"{workers} workers, PostgreSQL + Redis ({multiprocessing.cpu_count()} cores shared "
        f"with wrk)\n"
    )
    print("| endpoint | accepted | in database |")
    print("|---|---|---|")
    for name in ("register", "service_request", "cookies", "my_data"):
        print(f"| {name} | {accepted[name]} | {stored.get(name, '-')} |")
    print(f"\np50 {p50:.0f} ms, p99 {p99:.0f} ms")
    print(f"\nall: {requests} requests, {requests / args.seconds:.1f} req/s, {wrong} errors")
    # wrk stops with requests in flight (one per connection at most): those may be stored
    # without their answer being read. Fewer stored than accepted would be a loss.
    lost = {
        k: accepted[k] - v for k, v in stored.items() if not 0 <= v - accepted[k] <= args.clients
    }
    print("every accepted submission is in the database" if not lost else f"MISMATCH {lost}")
    return 1 if lost or wrong else 0


if __name__ == "__main__":
    sys.exit(main())
