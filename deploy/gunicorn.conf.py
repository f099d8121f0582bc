"""gunicorn settings for privacysite behind nginx (see deploy/nginx.conf)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30
graceful_timeout = 30
# preload_app stays off: a reload (HUP, `systemctl reload privacysite-web`) must load the new
# code, which a preloaded master would not. The price: requests wait while the new workers
# import the site (docs/operations.md, "Each release": up to 37 s measured on a busy 2-core
# machine with 5 workers; nothing is dropped).
preload_app = False
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
