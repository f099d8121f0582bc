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


@shared_task(acks_late=True)
def submissions_process_pending():
    from customers.services.customers import submissions_process_pending as process

    count = process()
    if count:
        logger.info("submission.processed_batch count=%s", count)


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


# --- Retention: thin tasks that take ids and call the services -----------------------------
# acks_late + reject_on_worker_lost (settings): a worker killed mid-batch gives the batch
# back; each batch is one transaction and re-checks who is still due, so a repeat is harmless.


@shared_task
def retention_sweep():
    from customers.services.retention import retention_sweep_start

    retention_sweep_start()


@shared_task(bind=True, max_retries=5, retry_backoff=30, retry_backoff_max=600)
def retention_erase_batch(self, customer_ids, run_id):
    from customers.services.retention import retention_erase_batch as erase

    try:
        count = erase(customer_ids=customer_ids)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 600)) from exc
    logger.info("retention.batch_erased run_id=%s count=%s", run_id, count)


@shared_task(bind=True, max_retries=5)
def retention_notice_batch(self, customer_ids, run_id):
    from customers.services.retention import retention_notice_batch as notify

    count = notify(customer_ids=customer_ids)
    logger.info("retention.notices run_id=%s count=%s", run_id, count)


@shared_task
def retention_delete_old_records(run_id):
    from customers.services.retention import retention_delete_old_records as prune

    logger.info("retention.pruned run_id=%s %s", run_id, prune())


@shared_task
def destruction_execute(destruction_list_id):
    from customers.services.retention import destruction_execute as execute

    logger.info(
        "destruction.done list_id=%s count=%s",
        destruction_list_id,
        execute(destruction_list_id=destruction_list_id),
    )


# --- Communications and incidents ---------------------------------------------------------


@shared_task
def renewal_reminders():
    from customers.services.communications import renewal_reminders as remind

    remind()


@shared_task(bind=True, acks_late=True, autoretry_for=(Exception,), retry_backoff=30, max_retries=5)
def campaign_batch(self, campaign_id, customer_ids):
    from customers.services.communications import campaign_batch as send

    logger.info(
        "campaign.batch campaign_id=%s queued=%s",
        campaign_id,
        send(campaign_id=campaign_id, customer_ids=customer_ids),
    )


@shared_task
def incident_alarms():
    from customers.services.incidents import incident_alarms as alarm

    for incident_id, alarm_name in alarm():
        logger.warning("incident.alarm incident_id=%s alarm=%s", incident_id, alarm_name)


@shared_task(bind=True, max_retries=5)
def incident_message_batch(self, incident_id, customer_ids):
    from customers.services.incidents import incident_message_batch as send

    logger.info(
        "incident.messages incident_id=%s sent=%s",
        incident_id,
        send(incident_id=incident_id, customer_ids=customer_ids),
    )
