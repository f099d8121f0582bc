"""Webhook delivery and the suppression lists' hashes: thin tasks taking ids, declared with
the project's one task decorator (``customers.core.jobs.task``)."""

import logging

from api.services import suppressions
from api.services.webhooks import webhook_attempt, webhook_deliveries_enqueue, webhooks_resend_due
from customers.core import jobs

logger = logging.getLogger(__name__)


@jobs.task(jobs.WEBHOOK_DELIVER, acks_late=True, ignore_result=True)
def webhook_deliver(delivery_id: int) -> None:
    """One attempt; a failure schedules the next with backoff (the delivery row keeps the
    count, so a retry survives a worker restart)."""
    attempt = webhook_attempt(delivery_id=delivery_id)
    if attempt is not None and attempt.retry_in is not None:
        webhook_deliveries_enqueue(delivery_ids=[delivery_id], countdown=attempt.retry_in)
        logger.info("webhook.retry_queued delivery_id=%s in=%s", delivery_id, attempt.retry_in)


@jobs.task(jobs.WEBHOOKS_RESEND_DUE, ignore_result=True)
def webhooks_resend_due_task() -> int:
    count = webhooks_resend_due()
    if count:
        logger.info("webhook.resent count=%s", count)
    return count


@jobs.task(jobs.SUBJECT_HASHES_WARM, ignore_result=True)
def subject_hashes_warm(client_id: int, after: int = 0) -> None:
    """Store a client's missing suppression-list hashes, a minute at a time (then the rest
    in a new task, so that no task runs for long)."""
    count, resume = suppressions.subject_hashes_warm(client_id=client_id, after=after, seconds=60)
    logger.info("api.subject_hashes_warmed client_id=%s count=%s", client_id, count)
    if resume is not None:
        jobs.enqueue(jobs.SUBJECT_HASHES_WARM, client_id, resume)


@jobs.task(jobs.SUBJECT_HASHES_REFRESH, ignore_result=True)
def subject_hashes_refresh() -> None:
    suppressions.subject_hashes_refresh()  # logs its counts (api.subject_hashes_refreshed)
