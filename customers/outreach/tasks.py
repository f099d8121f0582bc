"""Outreach tasks: each takes ids and calls one service."""

import logging

from customers.core import jobs
from customers.outreach import services

logger = logging.getLogger(__name__)


@jobs.task(jobs.RENEWAL_REMINDERS)
def renewal_reminders():
    services.renewal_reminders()


@jobs.task(jobs.CAMPAIGN_BATCH)
def campaign_batch(campaign_id, customer_ids):
    sent = services.campaign_batch(campaign_id=campaign_id, customer_ids=customer_ids)
    logger.info("campaign.batch campaign_id=%s queued=%s", campaign_id, sent)
