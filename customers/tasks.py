"""Thin Celery tasks: they take ids, call a service and log event names with ids only."""

import logging

from celery import shared_task

from customers.services import messages

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    max_retries=messages.MAX_SEND_ATTEMPTS,
    retry_backoff=60,
    retry_backoff_max=3600,
)
def message_send(self, message_id):
    try:
        messages.message_send(message_id=message_id)
    except Exception as exc:
        logger.warning("message.retry message_id=%s attempt=%s", message_id, self.request.retries)
        raise self.retry(exc=exc, countdown=min(60 * 2**self.request.retries, 3600)) from exc


@shared_task
def messages_resend_stuck():
    count = messages.messages_resend_stuck()
    if count:
        logger.info("message.resend_stuck count=%s", count)


@shared_task(acks_late=True)
def access_log_seal():
    from customers.services.access_log import access_log_seal as seal

    # Bounded: at most 20 batches a run; the next run (a minute later) takes the rest.
    for _ in range(20):
        if not seal():
            break


@shared_task
def access_log_digest():
    from customers.services.access_log import access_log_digest as digest

    digest()


@shared_task
def requests_send_reminders():
    from customers.services.requests import requests_send_reminders as remind

    remind()
