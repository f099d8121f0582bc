"""Celery: the broker, how the worker lives through a broker outage, and its heartbeat (read by
``privacysite.settings``). https://docs.celeryq.dev/en/stable/userguide/configuration.html"""

from privacysite.settings import BASE_DIR, DEBUG, REDIS_URL, TIME_ZONE, env

# Without REDIS_URL the broker is kombu's filesystem transport: a real worker and beat still
# run on a demo install, with no server to start.
BROKER_DIR = BASE_DIR / "var" / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Must outlive the longest countdown/ETA we use (1 hour), or Redis re-delivers the
        # message to a second worker while the first is still waiting for it.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=4 * 60 * 60),
        # A Redis that is unreachable (a host gone, packets dropped, not only a refused
        # connection) costs a publishing web request 2 s, not the kernel's two minutes, and
        # a worker notices a dead connection within 10 s and reconnects.
        "socket_connect_timeout": 2,
        "socket_timeout": 10,
        "socket_keepalive": True,
        "retry_on_timeout": True,
        # The worker pings its idle connections every 25 s (a half-open socket is found).
        "health_check_interval": 25,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    for _folder in ("queue", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
# A message still queued this many seconds after it was accepted never reached the broker
# (Redis was down): the resend sweep hands it over again.
MESSAGE_RESEND_AFTER = env.int("MESSAGE_RESEND_AFTER", default=5 * 60)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged after it ran, and a worker killed mid-task gives it back.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 5 * 60
CELERY_TASK_TIME_LIMIT = 6 * 60

# --- A broker outage (issue 32, finding 4) -------------------------------------------------
# The worker waits for Redis as long as it takes, at start and after losing it: Celery's
# default gives up after 100 attempts (under an hour of outage) and the worker exits.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Tasks running when the connection drops finish (their acknowledgement is lost, and the
# copy Redis gives back later finds its row done: every task claims its row first). Cancelling
# them instead would stop an email between the mail server's "sent" and our row's, and the
# resend sweep would send it twice.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# The worker unit runs without gossip and mingle (deploy/systemd/privacysite-worker.service).

# Every worker writes a heartbeat into the database this often (customers.workers.heartbeat);
# /metrics exports its age as privacysite_worker_heartbeat_seconds. The database, not Redis: a
# worker that waits out a Redis outage is alive and says so, a dead one goes quiet.
WORKER_HEARTBEAT_SECONDS = env.int("WORKER_HEARTBEAT_SECONDS", default=15)

# What a library prints in the worker is logged, through the filter that keeps personal data
# out (privacysite.celery); only a development worker prints as it is (the console mail,
# read whole).
CELERY_WORKER_REDIRECT_STDOUTS = not DEBUG
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Celery's own task events (sent, started, succeeded, failed, retried), for an exporter such
# as celery-exporter to turn into Prometheus metrics (README, Health and monitoring).
CELERY_WORKER_SEND_TASK_EVENTS = CELERY_TASK_SEND_SENT_EVENT = env.bool("CELERY_EVENTS", False)
