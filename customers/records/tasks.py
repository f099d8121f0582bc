"""Tasks of the customer records: each calls one service."""

import logging

from customers.core import jobs
from customers.records import pending, submissions

logger = logging.getLogger(__name__)


@jobs.task(jobs.SUBMISSIONS_PROCESS_PENDING)
def submissions_process_pending():
    count = submissions.submissions_process_pending()
    if count:
        logger.info("submission.processed_batch count=%s", count)


@jobs.task(jobs.PENDING_CHANGES_EXPIRE)
def pending_changes_expire():
    pending.pending_changes_expire()
