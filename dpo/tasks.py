"""Thin Celery tasks of the DPO's workplace: each calls one service and logs what it did.

Declared with the project's one task decorator (``customers.core.jobs.task``): an explicit,
stable name (beat's rows refer to it) and the same retries as every other task.
"""

import logging

from customers.core import jobs
from dpo.services.alerts import access_alerts_detect
from dpo.services.clocks import clocks_update_daily

logger = logging.getLogger(__name__)


@jobs.task(jobs.DPO_UPDATE_CLOCKS_DAILY, acks_late=True)
def update_clocks_daily():
    counts = clocks_update_daily()
    logger.info(
        "dpo.update_clocks started=%s reminded=%s subjects=%s",
        counts["started"],
        counts["reminded"],
        counts["subjects"],
    )


@jobs.task(jobs.DPO_ACCESS_ALERTS_CHECK, acks_late=True)
def access_alerts_check():
    raised = access_alerts_detect()
    if raised:
        logger.info(
            "dpo.access_alerts raised=%s alert_ids=%s",
            len(raised),
            ",".join(str(alert.pk) for alert in raised),
        )
