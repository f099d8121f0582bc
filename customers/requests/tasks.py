"""Request tasks: each calls one service."""

from customers.core import jobs
from customers.requests import my_data, reminders


@jobs.task(jobs.REQUESTS_SEND_REMINDERS)
def requests_send_reminders():
    reminders.requests_send_reminders()


@jobs.task(jobs.MY_DATA_LINK_SEND)
def my_data_link_send(request_id):
    my_data.link_send(request_id)
