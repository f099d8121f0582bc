"""Telling customers of a new privacy-policy version before it takes effect (issue 29):
each customer who can be told (not erased, not restricted, not an unconfirmed web
registration; by email, else by SMS) gets one service notice with the summary of changes in
their language, the date it takes effect, and the links to the new version and to their
preferences. The worker goes through the customers by id, POLICY_CHANGE_NOTICE_BATCH at a
time, each batch queueing the next."""

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from customers.consents.models import PolicyVersion
from customers.consents.selectors import restricted
from customers.core import jobs
from customers.core.selectors import UNCONFIRMED_WEB_REGISTRATION
from customers.messaging.batch import messages_enqueue_batch
from customers.messaging.services import absolute_url, message_queue
from customers.models import Customer, Message
from privacysite.display import day

logger = logging.getLogger(__name__)

PURPOSE = "service_notices"
TEMPLATE = {Message.Channel.EMAIL: "policy_change", Message.Channel.SMS: "policy_change_sms"}


def _channel(customer) -> str | None:
    if customer.email and not customer.email_suspended:
        return Message.Channel.EMAIL
    if customer.phone_mobile:
        return Message.Channel.SMS
    return None


def _context(version: PolicyVersion, language: str) -> dict:
    with translation.override(language):
        return {
            "version": version.number,
            "summary": (version.summary_en if language == "en" else "") or version.summary_vi,
            "effective_on": day(version.effective_at),
            "policy_url": absolute_url(reverse("consents:policy_version", args=[version.number])),
        }


def policy_change_notices_send(*, version_id: int, after_id: int = 0) -> int:
    """One batch of notices, for the customers after ``after_id``; queues the next batch.
    Returns how many were queued. A batch run twice tells nobody twice."""
    version = PolicyVersion.objects.filter(
        pk=version_id, status=PolicyVersion.Status.PUBLISHED
    ).first()
    if version is None or version.effective_at is None:
        return 0
    candidates = (
        Customer.objects.filter(pk__gt=after_id)
        .exclude(status=Customer.Status.ERASED)
        .exclude(UNCONFIRMED_WEB_REGISTRATION)
        .exclude(restricted(PURPOSE))
        .order_by("pk")[: settings.POLICY_CHANGE_NOTICE_BATCH]
    )
    contexts, queued, last_id = {}, [], None
    with transaction.atomic():
        customers = list(candidates)
        told = set(
            Message.objects.filter(
                customer__in=customers,
                template__in=TEMPLATE.values(),
                created_at__gte=version.published_at,
            ).values_list("customer_id", flat=True)
        )
        for customer in customers:
            last_id = customer.pk
            channel = _channel(customer)
            if channel is None or customer.pk in told:
                continue
            language = customer.preferred_language
            if language not in contexts:
                contexts[language] = _context(version, language)
            message = message_queue(
                customer=customer,
                purpose=PURPOSE,
                template=TEMPLATE[channel],
                context=contexts[language],
                channel=channel,
                enqueue=False,
            )
            if message is not None:
                queued.append(message.pk)
        transaction.on_commit(lambda: messages_enqueue_batch(message_ids=queued))
        if len(customers) == settings.POLICY_CHANGE_NOTICE_BATCH:  # there may be more
            transaction.on_commit(
                lambda: jobs.enqueue(jobs.POLICY_CHANGE_NOTICES, version.pk, last_id)
            )
    logger.info(
        "policy.change_notices version=%s after_id=%s queued=%s",
        version.number,
        after_id,
        len(queued),
    )
    return len(queued)
