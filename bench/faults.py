"""Issue 9 faults, against real processes on loopback: gunicorn, a Celery worker and beat, a
PostgreSQL and a Redis of this script's own (other ports), so that stopping them disturbs
nothing else on the machine.

    .venv/bin/python bench/faults.py            # both scenarios, about 3 minutes

1. Redis stopped while customers register: every form is still accepted and stored; they
   are processed (beat, every 5 s) and their confirmation emails go out once Redis is back
   (the resend sweep, every 5 minutes, hands over what the broker lost).
2. PostgreSQL restarted under load: requests fail cleanly (503 "not saved", never a 500),
   every accepted submission is in the database, and service resumes by itself.

A worker killed mid-task (the task runs again, same result) is a CI test on PostgreSQL and
Redis: tests/customers/test_retention_worker.py. Needs root (initdb runs as postgres).
"""

import collections
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PG_PORT, REDIS_PORT = 5441, 6391
DATABASE = "privacysite_faults"
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{PG_PORT}/{DATABASE}"
os.environ["REDIS_URL"] = f"redis://127.0.0.1:{REDIS_PORT}/0"
os.environ["MESSAGE_RESEND_AFTER"] = "5"  # seconds; production waits 5 minutes

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql") / sorted(os.listdir("/usr/lib/postgresql"))[-1] / "bin"


class PrivatePostgres:
    def __init__(self):
        self.data = tempfile.mkdtemp(prefix="privacysite-faults-pg-")
        shutil.chown(self.data, "postgres", "postgres")
        self._as_postgres("initdb", "-D", self.data, "-A", "trust", "-U", "postgres")

    def _as_postgres(self, program, *args):
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(PG_BIN / program), *args],
            check=True,
            capture_output=True,
        )

    def pg_ctl(self, action):
        options = f"-p {PG_PORT} -k /tmp -c listen_addresses=127.0.0.1"
        log = f"{self.data}/server.log"
        self._as_postgres("pg_ctl", "-D", self.data, "-o", options, "-l", log, "-w", action)

    def remove(self):
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", self.data, "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.data, ignore_errors=True)


class PrivateRedis:
    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        time.sleep(0.5)

    def stop(self):
        self.process.kill()
        self.process.wait()


def celery(*arguments):
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "privacysite", *arguments, "--loglevel=ERROR"],
        cwd=harness.ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
    )


def worker():
    return celery("worker", "-P", "solo", "--without-mingle", "--without-gossip")


def beat():
    return celery("beat", "-S", "django_celery_beat.schedulers:DatabaseScheduler")


def run_load(host, seconds, events, clients=10):
    """Registrations from ``clients`` threads; ``events`` is [(at second, callable)]."""
    log, lock, stop = [], threading.Lock(), time.monotonic() + seconds
    started = time.monotonic()

    def client_loop(index):
        client, token, i = harness.Client(host), None, 0
        while time.monotonic() < stop:
            try:
                token = token or client.csrf("/register/")
                status, _ = client.request(
                    "POST",
                    "/register/",
                    {
                        "csrfmiddlewaretoken": token,
                        "kind": "individual",
                        "full_name": "Phạm Văn Lỗi",
                        "email": f"fault{index}-{i}-{started}@example.vn",
                        "phone_mobile": "0903123456",
                        "address_home": "9 Nguyễn Huệ, TP. Hồ Chí Minh",
                    },
                )
            except (OSError, AttributeError):  # connection reset, or no form to read
                status, client, token = 0, harness.Client(host), None
            with lock:
                log.append((time.monotonic() - started, status))
            i += 1
            time.sleep(0.05)

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for at, action in events:
        time.sleep(max(0.0, at - (time.monotonic() - started)))
        print(f"  t={time.monotonic() - started:5.1f}s {action.__doc__}", flush=True)
        action()
    for thread in threads:
        thread.join()
    return log


def summary(log):
    by_status = collections.Counter(status for _, status in log)
    return ", ".join(
        f"{status or 'no answer'}: {count}" for status, count in sorted(by_status.items())
    )


def wait_until(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def scenario_redis(host, redis):
    from customers.messaging.services import messages_resend_stuck
    from customers.models import Message, Submission

    def redis_down():
        """Redis stopped"""
        redis.stop()

    def redis_up():
        """Redis started again"""
        redis.start()

    before = Submission.objects.count()
    log = run_load(host, 30, [(8, redis_down), (20, redis_up)])
    accepted = sum(1 for _, status in log if status == 302)
    stored = Submission.objects.count() - before
    during = [status for at, status in log if 9 <= at <= 19]
    waiting = Submission.objects.filter(processed_at=None).count()
    queued = Message.objects.filter(status="queued").count()
    processed = wait_until(lambda: not Submission.objects.filter(processed_at=None).exists(), 120)
    time.sleep(6)
    resent = messages_resend_stuck()  # what beat runs every 5 minutes
    drained = wait_until(lambda: not Message.objects.exclude(status="sent").exists(), 120)
    print("\n### Redis stopped for 12 s during 30 s of registrations (10 clients)\n")
    print(f"- answers: {summary(log)}; during the outage: {summary([(0, s) for s in during])}")
    print(f"- accepted {accepted}, stored {stored}: {'equal' if accepted == stored else 'LOST'}")
    print(
        f"- after the load: {waiting} submissions still to process, {queued} confirmation "
        f"emails queued; all processed afterwards: {processed}; the resend sweep queued "
        f"{resent}; all {Message.objects.count()} emails sent: {drained}"
    )
    done = processed and drained and Message.objects.count() == accepted
    return accepted == stored and done and all(s == 302 for s in during)


def scenario_postgres(host, postgres):
    from django.db import connection

    from customers.models import Submission

    def pg_down():
        """PostgreSQL stopped (fast shutdown)"""
        postgres.pg_ctl("stop")

    def pg_up():
        """PostgreSQL started again"""
        postgres.pg_ctl("start")

    connection.close()
    before = Submission.objects.count()
    connection.close()
    log = run_load(host, 30, [(8, pg_down), (14, pg_up)])
    connection.close()
    accepted = sum(1 for _, status in log if status == 302)
    stored = Submission.objects.count() - before
    after = [status for at, status in log if at >= 20]
    print("\n### PostgreSQL stopped for 6 s during 30 s of registrations (10 clients)\n")
    print(f"- answers: {summary(log)}; from t=20 s on: {summary([(0, s) for s in after])}")
    print(f"- accepted {accepted}, stored {stored}: {'equal' if accepted == stored else 'LOST'}")
    clean = not any(status == 500 for _, status in log)
    print(f"- no 500 answer (failures are 503 'not saved'): {clean}")
    return accepted == stored and clean and all(s == 302 for s in after)


def main():
    postgres, redis = PrivatePostgres(), PrivateRedis()
    processes = []
    try:
        postgres.pg_ctl("start")
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", DATABASE],
            check=True,
        )
        redis.start()
        harness.setup_django()
        harness.migrate()
        processes += [worker(), beat()]
        with harness.gunicorn(workers=3, port=8766) as host:
            print("\n## Faults (bench/faults.py)")
            ok = scenario_redis(host, redis)
            ok = scenario_postgres(host, postgres) and ok
    finally:
        for process in processes:
            process.terminate()
            process.wait(30)
        redis.stop()
        postgres.remove()
    print("\nresult:", "as stated" if ok else "NOT as stated")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
