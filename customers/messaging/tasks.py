"""Messaging tasks: each takes ids and calls one service."""

import logging

from customers.core import jobs
from customers.messaging import batch, policy_notice, receipts, services

logger = logging.getLogger(__name__)


@jobs.task(jobs.MESSAGE_SEND, max_retries=services.MAX_SEND_ATTEMPTS, retry_backoff=60)
def message_send(message_id):
    services.message_send(message_id=message_id)


@jobs.task(jobs.MESSAGES_SEND_BATCH, max_retries=services.MAX_SEND_ATTEMPTS, retry_backoff=60)
def messages_send_batch(message_ids):
    batch.messages_send_batch(message_ids=message_ids)


@jobs.task(jobs.MESSAGES_RESEND_STUCK)
def messages_resend_stuck():
    count = services.messages_resend_stuck()
    if count:
        logger.info("message.resend_stuck count=%s", count)


@jobs.task(jobs.CONSENT_RECEIPTS_SEND)
def consent_receipts_send(customer_id):
    receipts.consent_receipts_send(customer_id=customer_id)


@jobs.task(jobs.CONSENT_RECEIPTS_SWEEP)
def consent_receipts_sweep():
    receipts.consent_receipts_sweep()


@jobs.task(jobs.POLICY_CHANGE_NOTICES, acks_late=True)
def policy_change_notices(version_id, after_id=0):
    policy_notice.policy_change_notices_send(version_id=version_id, after_id=after_id)
