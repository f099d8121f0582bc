"""The last message after an erasure, and what a customer is told will be kept.

The message is recorded in the outbox inside the erasure's transaction, before the contact
data is wiped: the address and what the text needs (certificate reference, what is kept,
whom to contact), tied to no customer and with no name; the worker writes and sends it from
the outbox row alone, after the erasure has committed. Once it is sent (or given up on), its
recipient is forgotten too (``customers.messaging.services``)."""

import datetime
import json
import logging

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation

from customers.messaging.limits import next_allowed_time
from customers.messaging.services import message_enqueue
from customers.models import Customer, Message

logger = logging.getLogger(__name__)

FAREWELL_PURPOSE = "erasure"
FAREWELL_TEMPLATE = "erasure_done"


def certificate_reference(customer_id: int, erased_at: datetime.datetime) -> str:
    """The reference the customer quotes to us; known before the certificate row exists."""
    return f"XOA-{timezone.localdate(erased_at):%Y%m%d}-{customer_id}"  # the day in Vietnam


def kept_for_customer(kept: list[dict], language: str) -> list[dict]:
    """What the law makes us keep, with the date shown the way the customer reads dates."""
    if not kept:
        return []
    with translation.override(language):
        return [
            {
                "what": item["what"],
                "why": str(item["why"]),
                "until": (
                    formats.date_format(datetime.date.fromisoformat(item["until"]), "d/m/Y")
                    if item["until"] != "permanent"
                    else ""
                ),
            }
            for item in kept
        ]


def farewells_queue(
    customer_ids, *, kept: dict[int, list[dict]], trigger: str, at: datetime.datetime
) -> int:
    """Record the last message to each of these customers (not yet wiped) who has an email
    address we may use, or by SMS to one known by a mobile number only (issue 28 §4), and
    send them once the erasure commits."""
    customers = (
        Customer.objects.filter(pk__in=customer_ids, email_suspended_at__isnull=True)
        .exclude(email_index="", phone_mobile_index="")
        .only("pk", "email", "phone_mobile", "preferred_language")
    )
    sms_from = next_allowed_time(Message.Channel.SMS, at)
    messages = [
        Message(
            customer=None,
            purpose=FAREWELL_PURPOSE,
            template=FAREWELL_TEMPLATE,
            language=customer.preferred_language,
            recipient=customer.email or customer.phone_mobile,
            channel=Message.Channel.EMAIL if customer.email else Message.Channel.SMS,
            not_before=None if customer.email else sms_from,
            # Everything the worker needs to write the message, without the customer.
            context=json.dumps(
                {
                    "reference": certificate_reference(customer.pk, at),
                    "trigger": trigger,
                    "kept": kept_for_customer(
                        kept.get(customer.pk, []), customer.preferred_language
                    ),
                    "dpo": settings.DPO,
                },
                ensure_ascii=False,
            ),
        )
        for customer in customers
    ]
    created = Message.objects.bulk_create(messages)
    ids = [m.pk for m in created]
    transaction.on_commit(lambda: [message_enqueue(message_id=i) for i in ids])
    logger.info("erasure.farewells_queued count=%s", len(ids))
    return len(ids)
