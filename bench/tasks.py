"""The baseline task for the messages-per-second benchmark: one INSERT, nothing of ours."""

import uuid

from celery import shared_task


@shared_task(acks_late=True)
def bare_insert():
    from customers.consents.models import CookieConsent

    CookieConsent.objects.create(
        consent_id=uuid.uuid4(), categories=["necessary"], policy_version=1
    )
