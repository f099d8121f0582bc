"""Request tasks: each calls one service."""

from customers.core import jobs
from customers.requests import services


@jobs.task(jobs.REQUESTS_SEND_REMINDERS)
def requests_send_reminders():
    services.requests_send_reminders()
