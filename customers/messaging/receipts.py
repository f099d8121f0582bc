"""Receipts: the customer is told of every consent given or withdrawn, whatever the channel.

The ledger event schedules a task when its transaction commits; the task gathers every event
of that customer not yet receipted (a form ticking three boxes gives one receipt listing
three) and queues one message through the outbox. A receipt row per event makes a repeated
or concurrent task send nothing twice.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation

from customers.consents.models import ConsentEvent, ConsentReceipt
from customers.consents.records import consent_record_fields
from customers.consents.services.ledger import consent_receipt_schedule
from customers.messaging.services import message_queue
from customers.models import Customer, Message
from privacysite.display import when

logger = logging.getLogger(__name__)

# Events older than this are never receipted (those from before receipts existed).
RECEIPT_WINDOW = timedelta(days=1)


def receipt_lines(events, language: str) -> list[dict]:
    """What a receipt says of each event (JSON, for a message's context)."""
    with translation.override(language):
        return [
            {
                **consent_record_fields(event),
                "given": event.action == ConsentEvent.Action.GRANTED,
                "channel_display": str(event.get_channel_display()),
                "policy_version": event.policy_version.number,
                "at_display": when(event.created_at),
            }
            for event in events
        ]


@transaction.atomic
def consent_receipts_send(*, customer_id: int):
    """One receipt for the customer's events not yet receipted; returns the message or None."""
    customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
    if customer is None:
        return None
    events = list(
        ConsentEvent.objects.filter(
            customer=customer,
            receipt__isnull=True,
            created_at__gte=timezone.now() - RECEIPT_WINDOW,
        )
        .select_related("purpose", "policy_version")
        .order_by("created_at", "id")
    )
    if not events:
        return None
    language = customer.preferred_language
    context = {"consents": receipt_lines(events, language)}
    message = None
    if customer.email:
        message = message_queue(
            customer=customer, purpose="service", template="consent_receipt", context=context
        )
    elif customer.phone_mobile:
        message = message_queue(
            customer=customer,
            purpose="service",
            template="consent_receipt_sms",
            context=context,
            channel=Message.Channel.SMS,
        )
    ConsentReceipt.objects.bulk_create(
        [ConsentReceipt(event=event, message=message) for event in events]
    )
    logger.info(
        "consent.receipt customer_id=%s events=%s message_id=%s",
        customer.pk,
        len(events),
        message.pk if message else None,
    )
    return message


def consent_receipts_with(*, message: Message | None, events, customer: Customer) -> None:
    """These events' receipt went with ``message``, a message of the caller's that lists
    them (``receipt_lines``): recorded, so that no receipt of its own follows. Without a
    message (no address to send it to), the usual receipt is scheduled instead."""
    if not events:
        return
    if message is None:
        consent_receipt_schedule(customer_id=customer.pk)
        return
    ConsentReceipt.objects.bulk_create(
        [ConsentReceipt(event=event, message=message) for event in events]
    )


def consent_receipts_sweep(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Receipts whose task never ran (the broker was down at commit): sent now. Returns how
    many customers were handled."""
    now = timezone.now()
    customer_ids = list(
        ConsentEvent.objects.filter(
            receipt__isnull=True,
            created_at__gte=now - RECEIPT_WINDOW,
            created_at__lte=now - older_than,
        )
        .values_list("customer_id", flat=True)
        .distinct()[:500]
    )
    for customer_id in customer_ids:
        consent_receipts_send(customer_id=customer_id)
    return len(customer_ids)
