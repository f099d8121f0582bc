"""Retention tasks: each takes ids and calls one service.

acks_late + reject_on_worker_lost (settings): a worker killed mid-batch gives the batch back;
each batch is one transaction and re-checks who is still due, so a repeat is harmless.
"""

import logging

from customers.core import jobs
from customers.retention import services

logger = logging.getLogger(__name__)


@jobs.task(jobs.RETENTION_SWEEP)
def retention_sweep():
    services.retention_sweep()


@jobs.task(jobs.RETENTION_ERASE_BATCH, retry_backoff_max=600)
def retention_erase_batch(customer_ids, run_id, batch=None):
    count = services.retention_erase_batch(customer_ids=customer_ids, run_id=run_id, batch=batch)
    logger.info("retention.batch_erased run_id=%s count=%s", run_id, count)


@jobs.task(jobs.RETENTION_NOTICE_BATCH)
def retention_notice_batch(customer_ids, run_id, batch=None):
    count = services.retention_notice_batch(customer_ids=customer_ids, run_id=run_id, batch=batch)
    logger.info("retention.notices run_id=%s count=%s", run_id, count)


@jobs.task(jobs.RETENTION_DELETE_OLD_RECORDS)
def retention_delete_old_records(run_id):
    logger.info(
        "retention.pruned run_id=%s %s",
        run_id,
        services.retention_delete_old_records(run_id=run_id),
    )


@jobs.task(jobs.DESTRUCTION_EXECUTE)
def destruction_execute(destruction_list_id):
    count = services.destruction_execute(destruction_list_id=destruction_list_id)
    logger.info("destruction.done list_id=%s count=%s", destruction_list_id, count)
