"""Thin Celery tasks of the DPO's workplace; each has an explicit name (beat refers to it)."""

import logging

from celery import shared_task

from dpo.models import ComplianceProfile
from dpo.selectors import MissingFact, profile, subjects_ever_processed
from dpo.services.alerts import access_alerts_detect
from dpo.services.clocks import clocks_check, clocks_remind

logger = logging.getLogger(__name__)


@shared_task(name="dpo.tasks.update_clocks_daily", acks_late=True)
def update_clocks_daily():
    """Start clocks for changes since the last filed DPIA, keep the subject counter's
    high-water mark, remind the DPO of open clocks. Idempotent within a day."""

    prof = profile()
    count = subjects_ever_processed(prof)
    ComplianceProfile.objects.filter(pk=prof.pk, subjects_counted__lt=count).update(
        subjects_counted=count
    )
    try:
        started = len(clocks_check())
    except MissingFact:
        started = 0
        logger.warning("dpo.clocks_check_skipped reason=missing_fact")
    reminded = clocks_remind()
    logger.info("dpo.update_clocks started=%s reminded=%s subjects=%s", started, reminded, count)


@shared_task(name="dpo.tasks.access_alerts_check", acks_late=True)
def access_alerts_check():

    raised = access_alerts_detect()
    if raised:
        logger.info("dpo.access_alerts raised=%s", len(raised))
