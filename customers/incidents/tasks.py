"""Incident tasks: each takes ids and calls one service."""

import logging

from customers.core import jobs
from customers.incidents import services

logger = logging.getLogger(__name__)


@jobs.task(jobs.INCIDENT_ALARMS)
def incident_alarms():
    for incident_id, alarm_name in services.incident_alarms():
        logger.warning("incident.alarm incident_id=%s alarm=%s", incident_id, alarm_name)


@jobs.task(jobs.INCIDENT_MESSAGE_BATCH)
def incident_message_batch(incident_id, customer_ids):
    sent = services.incident_message_batch(incident_id=incident_id, customer_ids=customer_ids)
    logger.info("incident.messages incident_id=%s sent=%s", incident_id, sent)
