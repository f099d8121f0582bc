"""Issue 18: the hottest paths against their baselines, A and B alternating in one run.

    .venv/bin/python bench/bench_hot.py [--rounds 3] [--seconds 10] [--only cookies,register]

HTTP: gunicorn -w 2 (sync) serving bench.settings (DEBUG off, PostgreSQL with fsync, Redis),
and the peer (django-cookie-consent 1.0.0, jazzband, consent log on) in its own project
(bench/peer/) and virtualenv (bench/peer/.venv, installed from PyPI on first use), also
gunicorn -w 2 on the same PostgreSQL and Redis. Load: Debian's ``wrk`` (apt install wrk),
8 connections, 2 threads, POSTs with the CSRF cookie and token like a browser form.
Each round runs every endpoint once (peer, cookies, bare, register; the next round the
other way round), so that each pair compared runs back to back and the noise of a shared
machine hits both; the ratios are taken within a round, and their median and spread are
printed.

Workers: ``--only tasks`` runs two Celery workers (solo pool) on a backlog of bare
one-INSERT tasks, then on a backlog of accepted registrations (``submissions_process_pending``
as beat sends it), alternating, and compares the rates.
"""

import argparse
import contextlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness  # noqa: E402

DATABASE = os.environ.get("BENCH_DATABASE", "privacysite_bench_hot")
PEER_DATABASE = os.environ.get("PEER_DATABASE", "privacysite_bench_peer")
OUR_PORT = int(os.environ.get("BENCH_PORT", "8765"))
PEER_PORT = int(os.environ.get("PEER_PORT", "8766"))
PEER_DIR = harness.ROOT / "bench" / "peer"
PEER_PYTHON = PEER_DIR / ".venv" / "bin" / "python"

POST_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "csrftoken=%(cookie)s"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) privacysite-bench"
local template = "%(body)s"
local counter = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", "t" .. threads .. "x" .. os.time())
end
-- A new address per request, and per run: a base that moves on with the clock, so that
-- no address is used twice in the limit's 10 minutes (2^24 addresses).
function address(n)
  return ((os.time() %% 1024) * 16384 + (tonumber(string.sub(tid, 2, 2)) %% 2) * 8192 + n) %% 16777216
end
function request()
  counter = counter + 1
  local body = template:gsub("UNIQUE", tid .. "n" .. counter)
  -- Each request from an address of its own, as registrations come (bench.settings trusts
  -- one proxy, as behind nginx): the production limit per address stays in force.
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["X-Forwarded-For"] = string.format("10.%%d.%%d.%%d",
    math.floor(address(counter) / 65536) %% 256, math.floor(address(counter) / 256) %% 256,
    address(counter) %% 256)
  return wrk.format(nil, nil, headers, body)
end
"""


def ensure_peer():
    """The peer's virtualenv (from PyPI), database and cookie groups."""
    if not PEER_PYTHON.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_DIR / ".venv")], check=True)
        subprocess.run(
            [str(PEER_PYTHON), "-m", "pip", "install", "-q", "-r", "requirements.txt"],
            cwd=PEER_DIR,
            check=True,
        )
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", PEER_DATABASE],
        capture_output=True,
    )
    env = {
        **os.environ,
        "PEER_DATABASE": PEER_DATABASE,
        "PEER_REDIS_URL": os.environ["REDIS_URL"],
        "DJANGO_SETTINGS_MODULE": "peersite.settings",
    }
    subprocess.run(
        [str(PEER_PYTHON), "manage.py", "migrate", "-v0"], cwd=PEER_DIR, env=env, check=True
    )
    subprocess.run(
        [str(PEER_PYTHON), "manage.py", "shell", "-c", "from peersite.seed import run; run()"],
        cwd=PEER_DIR,
        env=env,
        check=True,
    )


@contextlib.contextmanager
def peer_gunicorn(workers=2):
    env = {
        **os.environ,
        "PEER_DATABASE": PEER_DATABASE,
        "PEER_REDIS_URL": os.environ["REDIS_URL"],
        "DJANGO_SETTINGS_MODULE": "peersite.settings",
    }
    process = subprocess.Popen(
        [str(PEER_PYTHON), "-m", "gunicorn", "peersite.wsgi", "--bind"]
        + [f"127.0.0.1:{PEER_PORT}", "--workers", str(workers), "--log-level", "warning"],
        cwd=PEER_DIR,
        env=env,
    )
    try:
        host = f"127.0.0.1:{PEER_PORT}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                harness.Client(host).request("GET", "/token/")
                break
            time.sleep(0.2)
        yield host
    finally:
        process.terminate()
        process.wait(timeout=30)


def wrk(url, *, body="", cookie="", seconds=10, connections=8):
    """One wrk run; returns (requests per second, errors: socket errors and non-2xx/3xx)."""
    script = POST_LUA % {"cookie": cookie, "body": body.replace('"', '\\"')}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", handle.name, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(handle.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    return rate, errors


def csrf(host, path):
    client = harness.Client(host)
    token = client.csrf(path) if path != "/token/" else client.request("GET", path)[1].decode()
    return client.cookies["csrftoken"], token


def registration_body(token):
    import urllib.parse

    return urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "kind": "individual",
            "full_name": "Nguyễn Văn Tải",
            "email": "load-UNIQUE@example.vn",
            "phone_mobile": "0903123456",
            "address_home": "1 Lê Lợi, Huế",
            "purpose_surveys": "on",
            "submission_key": "UNIQUE",
        }
    )


def http_rounds(rounds, seconds, only):
    from customers.consents.models import CookieConsent
    from customers.models import Submission

    ensure_peer()
    results = {}
    with harness.gunicorn(workers=2, port=OUR_PORT) as ours, peer_gunicorn() as peer:
        cookie, token = csrf(ours, "/cookies/")
        reg_cookie, reg_token = csrf(ours, "/register/")
        peer_cookie, peer_token = csrf(peer, "/token/")
        endpoints = {
            "bare": (f"http://{ours}/bench/bare-insert/", "", ""),
            "cookies": (
                f"http://{ours}/cookies/",
                f"csrfmiddlewaretoken={token}&choice=accept_all",
                cookie,
            ),
            "peer": (
                f"http://{peer}/cookies/accept/",
                f"csrfmiddlewaretoken={peer_token}&all_groups=on",
                peer_cookie,
            ),
            "register": (f"http://{ours}/register/", registration_body(reg_token), reg_cookie),
        }
        # Each pair compared is measured back to back (peer, cookies, bare, register, then the
        # other way round): the machine's speed drifts within a round, and a pair run far
        # apart in it measures the drift as much as the code.
        wanted = [
            name
            for name in ("peer", "cookies", "bare", "register")
            if name == "bare" or not only or name in only or (name == "peer" and "cookies" in only)
        ]
        for name in wanted:  # warm-up: connections, caches, imports
            wrk(endpoints[name][0], body=endpoints[name][1], cookie=endpoints[name][2], seconds=2)
        for round_ in range(rounds):
            for name in wanted if round_ % 2 == 0 else list(reversed(wanted)):
                before = (CookieConsent.objects.count(), Submission.objects.count())
                url, body, cookie_value = endpoints[name]
                rate, errors = wrk(url, body=body, cookie=cookie_value, seconds=seconds)
                stored = (
                    CookieConsent.objects.count() - before[0],
                    Submission.objects.count() - before[1],
                )
                results.setdefault(name, []).append((rate, errors, stored))
                print(f"round {round_ + 1} {name}: {rate:.0f} req/s, {errors} errors", flush=True)
    return results


def report(results):
    print("\n| endpoint | req/s per round | errors |")
    print("|---|---|---|")
    for name, runs in results.items():
        rates = " · ".join(f"{r[0]:.0f}" for r in runs)
        print(f"| {name} | {rates} | {sum(r[1] for r in runs)} |")
    pairs = [("cookies", "peer"), ("cookies", "bare"), ("register", "bare")]
    print("\n| ratio | per round | median |")
    print("|---|---|---|")
    for a, b in pairs:
        if a in results and b in results:
            ratios = [x[0] / y[0] for x, y in zip(results[a], results[b], strict=True)]
            each = " · ".join(f"{r:.2f}×" for r in ratios)
            print(f"| {a} ÷ {b} | {each} | **{statistics.median(ratios):.2f}×** |")


# --- Workers ---------------------------------------------------------------------------------


@contextlib.contextmanager
def celery_workers(count=2):
    import signal

    command = [sys.executable, "-m", "celery", "-A", "privacysite", "worker", "-P", "solo"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    processes = [
        subprocess.Popen(
            [*command, "-n", f"hot{n}@%h", "--without-mingle", "--without-gossip"]
            + ["-Q", "celery", "--loglevel=ERROR"],
            cwd=harness.ROOT,
            env=env,
        )
        for n in range(count)
    ]
    try:
        time.sleep(4)  # started and connected
        yield
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(60)


def fill_submissions(count):
    """``count`` accepted registrations, as the form stores them (half of them from customers
    who registered before, as in real life: a merge)."""
    from django.utils import translation

    from customers.consents.models import Purpose
    from customers.consents.selectors import policy_current
    from customers.records.submissions import submission_accept

    surveys = list(Purpose.objects.filter(code="surveys"))
    stamp = time.time_ns()
    with translation.override("vi"):
        for i in range(count):
            email = f"drain{stamp}-{i if i % 2 else 0}@example.vn"
            data = {
                "kind": "individual",
                "full_name": "Nguyễn Văn Tải",
                "business_name": "",
                "tax_code": "",
                "contact_person": "",
                "email": email,
                "phone_mobile": "0903123456",
                "address_home": "1 Lê Lợi, Huế",
            }
            submission_accept(
                form="register",
                data=data,
                raw=data,
                ip_address="127.0.0.1",
                user_agent="bench",
                language="vi",
                policy_version=policy_current(),
                consented=surveys,
            )


def drain_bare(count):
    from bench.tasks import bare_insert
    from customers.consents.models import CookieConsent

    target = CookieConsent.objects.count() + count
    for _ in range(count):
        bare_insert.delay()
    start = time.perf_counter()
    while CookieConsent.objects.count() < target and time.perf_counter() - start < 600:
        time.sleep(0.05)
    return count / (time.perf_counter() - start)


def drain_submissions(count):
    import redis
    from django.conf import settings

    from customers.core import jobs
    from customers.models import Submission

    fill_submissions(count)
    pending = Submission.objects.filter(processed_at=None)
    broker = redis.Redis.from_url(settings.REDIS_URL)
    start = time.perf_counter()
    while pending.exists() and time.perf_counter() - start < 600:
        if broker.llen("celery") < 2:  # what beat sends every 5 s, sent sooner
            jobs.enqueue(jobs.SUBMISSIONS_PROCESS_PENDING)
        time.sleep(0.02)
    took = time.perf_counter() - start
    problems = Submission.objects.exclude(problem="").filter(processed_at=None).count()
    return count / took, problems


def task_rounds(rounds, count):
    import redis
    from django.conf import settings

    from customers.models import Submission

    Submission.objects.filter(processed_at=None).delete()  # left by an interrupted run
    results = {"bare task": [], "submissions": []}
    with celery_workers(2):
        drain_bare(50)  # warm-up
        for round_ in range(rounds):
            order = ["bare task", "submissions"]
            for name in order if round_ % 2 == 0 else list(reversed(order)):
                if name == "bare task":
                    rate = drain_bare(count)
                    results[name].append((rate, 0, None))
                else:
                    rate, problems = drain_submissions(count)
                    results[name].append((rate, problems, None))
                print(f"round {round_ + 1} {name}: {rate:.0f}/s", flush=True)
    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # the confirmation emails stay unsent
    print("\n| work | per second, per round | ratio to the bare task |")
    print("|---|---|---|")
    ratios = [
        s[0] / b[0] for s, b in zip(results["submissions"], results["bare task"], strict=True)
    ]
    print(f"| bare task | {' · '.join(f'{r[0]:.0f}' for r in results['bare task'])} | |")
    print(
        f"| submissions | {' · '.join(f'{r[0]:.0f}' for r in results['submissions'])} | "
        f"{' · '.join(f'{r:.2f}×' for r in ratios)}, median **{statistics.median(ratios):.2f}×** |"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--tasks", type=int, default=1000, help="tasks per worker round")
    parser.add_argument("--only", default="", help="cookies,register,tasks")
    args = parser.parse_args()
    only = {x for x in args.only.split(",") if x}
    harness.setup_django(DATABASE)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], capture_output=True)
    from django.core.cache import cache

    cache.clear()  # the Redis database may hold another database's cached rows
    harness.migrate()
    if not only or only - {"tasks"}:
        report(http_rounds(args.rounds, args.seconds, only - {"tasks"}))
    if not only or "tasks" in only:
        task_rounds(args.rounds, args.tasks)


if __name__ == "__main__":
    main()
