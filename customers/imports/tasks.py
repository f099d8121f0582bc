"""Import tasks: each takes ids and calls one service (customers/imports/run.py, notices.py)."""

from customers.core import jobs
from customers.imports import notices, run


@jobs.task(jobs.IMPORT_PREVIEW, acks_late=True)
def import_preview(batch_id):
    run.import_preview_run(batch_id=batch_id)


@jobs.task(jobs.IMPORT_RUN, acks_late=True)
def import_run(batch_id):
    run.import_write_run(batch_id=batch_id)


@jobs.task(jobs.IMPORT_NOTICES)
def import_notices(batch_id=None):
    if batch_id is None:
        notices.import_notices_due()
    else:
        notices.import_notices_send(batch_id=batch_id)


@jobs.task(jobs.IMPORTS_ABANDON_STALE)
def imports_abandon_stale():
    run.imports_abandon_stale()
