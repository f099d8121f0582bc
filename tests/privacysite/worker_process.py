"""Real processes for the worker tests: a redis-server of the test's own (it is killed and
started again: never the machine's Redis) and the Celery worker run as the systemd unit runs it
(deploy/systemd/privacysite-worker.service), pointed at the test database."""

import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

from tests.conftest import missing

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "systemd" / "privacysite-worker.service"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait(condition, seconds, step=0.1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


class RedisServer:
    """``redis-server`` on a free port, with nothing saved: a restart starts empty, as after a
    crash of a Redis without persistence (the harder case: what it held is gone)."""

    def __init__(self):
        if not shutil.which("redis-server"):
            missing("needs redis-server (apt-get install redis-server)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        assert wait(self.answers, 10), "redis-server did not start"

    def answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self):
        """SIGKILL: no goodbye to the clients, as when the machine or the process dies."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.kill()


def database_url() -> str:
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def unit_command() -> list[str]:
    """The worker's command line from the systemd unit, with this checkout's interpreter."""
    for line in UNIT.read_text().splitlines():
        if line.startswith("ExecStart="):
            words = shlex.split(line.removeprefix("ExecStart="))
            assert words[0].endswith("/celery"), words
            return [sys.executable, "-m", "celery", *words[1:]]
    raise AssertionError("no ExecStart in the worker unit")


def start_worker(*, redis_url: str, log_path: Path, concurrency: int = 2, **extra_env):
    """The production command (prefork pool, default bootsteps), fewer processes."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "REDIS_URL": redis_url,
        "DATABASE_URL": database_url(),
        **extra_env,
    }
    command = [
        word if not word.startswith("--concurrency") else f"--concurrency={concurrency}"
        for word in unit_command()
    ]
    log = open(log_path, "a")  # noqa: SIM115  (closed with the process, below)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.log_file = log
    return process


def stop_worker(process, timeout=30):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    process.log_file.close()
