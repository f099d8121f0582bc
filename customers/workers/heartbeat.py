"""Each Celery worker says it is alive: a row per worker, written every
``WORKER_HEARTBEAT_SECONDS`` by a thread of the worker's main process, read by /metrics
(``privacysite_worker_heartbeat_seconds``, assembly.monitoring).

Why the database and a thread: the question is "is a worker process there to take work when
the broker is back?". A beat task or Celery's own heartbeat events travel through Redis and
stop with it, so during a Redis outage they cannot tell a worker that waits from a worker that
died (issue 32, finding 4: the worker died in the outage and nothing said so). The database
row is written whether or not Redis answers; the thread runs in the main process that
consumes, and ends with it. A worker that stopped consuming while its process lives is seen by
the queue and backlog alerts (queue length, submissions waiting, messages stuck).
"""

import datetime
import logging
import os
import threading

from celery import bootsteps
from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Max
from django.utils import timezone

from customers.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# A worker seen within this many seconds counts as alive (privacysite_workers_alive).
ALIVE_WITHIN = 120


def heartbeat_record(*, node: str, pid: int, started_at) -> None:
    """The system's own write (no actor): this worker is alive now."""
    WorkerHeartbeat.objects.update_or_create(
        node=node[:255], defaults={"pid": pid, "started_at": started_at, "seen_at": timezone.now()}
    )


def heartbeat_age() -> float:
    """Seconds since any worker was last seen; infinite when none ever was."""
    last = WorkerHeartbeat.objects.aggregate(last=Max("seen_at"))["last"]
    if last is None:
        return float("inf")
    return max(0.0, (timezone.now() - last).total_seconds())


def workers_alive() -> int:
    since = timezone.now() - datetime.timedelta(seconds=ALIVE_WITHIN)
    return WorkerHeartbeat.objects.filter(seen_at__gte=since).count()


class _Beating(threading.Thread):
    def __init__(self, node: str, every: float):
        super().__init__(name="worker-heartbeat", daemon=True)
        self.node, self.every = node, every
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def run(self):
        logger.info("worker.heartbeat_started every=%ss", self.every)
        while not self.stopping.is_set():
            try:
                close_old_connections()
                heartbeat_record(node=self.node, pid=os.getpid(), started_at=self.started_at)
            except Exception as exc:  # the database may be down: say so, try again
                logger.warning("worker.heartbeat_failed error=%s", type(exc).__name__)
            finally:
                # Not left open between beats: the pool forks new children from this process.
                connection.close()
            self.stopping.wait(self.every)

    def stop(self):
        self.stopping.set()
        if self.is_alive():
            self.join(timeout=5)


class Heartbeat(bootsteps.StartStopStep):
    """A worker bootstep: beats from once the pool has started until the worker stops (a warm
    or a cold shutdown alike: the step's object is stopped either way)."""

    requires = {"celery.worker.components:Pool"}

    def create(self, worker):
        return _Beating(worker.hostname, settings.WORKER_HEARTBEAT_SECONDS)


def install(app) -> None:
    """Every worker of ``app`` beats (called when the customers app is ready)."""
    app.steps["worker"].add(Heartbeat)
