"""gunicorn settings for privacysite behind nginx (see deploy/nginx.conf)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then
max_requests_jitter = 200
# nginx sets X-Forwarded-Proto; trust it only from the local proxy.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No access log here: nginx writes one without query strings (they may hold a searched email).
accesslog = None
errorlog = "-"
loglevel = "warning"


def child_exit(server, worker):
    """Request metrics in multiprocess mode (privacysite.request_metrics): a dead worker's
    live gauges are dropped; its counts stay in the sum."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
