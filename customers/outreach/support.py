"""Support exchanges are notified: two of the policies promise to "send notices about the
exchanges between the customer and technical support". Technical support records an
exchange on the customer's service; the customer gets a written summary on the contract
basis (no consent needed, no advertising), which is also the record that it was sent."""

import logging

from django.db import transaction

from customers.core.actors import Actor
from customers.messaging.services import message_queue
from customers.models import Service

logger = logging.getLogger(__name__)

SUMMARY_MAX = 2000


class SupportSummaryMissing(Exception):
    pass


@transaction.atomic
def support_exchange_notify(*, service_ids, actor, summary: str) -> int:
    """Tell the customer of each service what was done or agreed with support. Returns the
    number of messages queued (an erased customer or one without an address gets none)."""
    actor = Actor.of(actor).require("customers.change_service")
    summary = summary.strip()[:SUMMARY_MAX]
    if not summary:
        raise SupportSummaryMissing
    queued = 0
    for service in Service.objects.filter(pk__in=service_ids).select_related("customer"):
        message = message_queue(
            customer=service.customer,
            purpose="service_notices",
            template="support_exchange",
            context={"product": service.product, "summary": summary, "by": actor.label},
        )
        queued += message is not None
    logger.info("support.exchange_notified count=%s", queued)
    return queued
