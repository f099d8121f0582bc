"""Consent tasks: thin, ids only."""

from celery import shared_task

from consents.services.receipts import consent_receipts_send as receipts_send
from consents.services.receipts import consent_receipts_sweep


@shared_task(name="consents.consent_receipts_send", acks_late=True, ignore_result=True)
def consent_receipts_send(customer_id: int) -> None:
    receipts_send(customer_id=customer_id)


@shared_task(name="consents.consent_receipts_sweep", ignore_result=True)
def consent_receipts_sweep_task() -> int:
    return consent_receipts_sweep()
