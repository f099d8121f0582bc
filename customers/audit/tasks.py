"""Access-log tasks: each calls one service."""

from customers.audit import services
from customers.core import jobs


@jobs.task(jobs.ACCESS_LOG_SEAL)
def access_log_seal():
    services.access_log_seal_pending()


@jobs.task(jobs.ACCESS_LOG_DIGEST)
def access_log_digest():
    services.access_log_digest()
