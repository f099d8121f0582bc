"""Telling every customer an import created that their data is now kept here, with the policy
and their preferences page: in batches, within the hours the law allows contacting people
(07:00-22:00 Viet Nam time, the SMS window of Decree 91/2020, for email too: nobody learns of
an import at night), under the daily cap per person, through the channel the customer has
(email, else SMS; a customer with neither is recorded as not told). The first batch goes
when the import ends; beat sends the next ones (``imports-notices``)."""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from customers.consents.selectors import purposes_needing_consent
from customers.messaging.batch import messages_enqueue_batch
from customers.messaging.limits import next_allowed_time, over_daily_cap
from customers.messaging.services import absolute_url, message_queue
from customers.models import ImportBatch, ImportedCustomer, Message

logger = logging.getLogger(__name__)

TEMPLATE = {Message.Channel.EMAIL: "import_notice", Message.Channel.SMS: "import_notice_sms"}


def notice_channel(customer) -> str | None:
    if customer.email and not customer.email_suspended:
        return Message.Channel.EMAIL
    if customer.phone_mobile:
        return Message.Channel.SMS
    return None


def import_notices_due(*, now=None) -> int:
    """Beat's run (every few minutes): one batch of notices for each import that has people
    still to tell, inside the allowed hours only. Returns how many were queued."""
    now = now or timezone.now()
    if next_allowed_time(Message.Channel.SMS, now) > now:
        return 0
    batches = (
        ImportedCustomer.objects.filter(notice_done=False, batch__status=ImportBatch.Status.DONE)
        .order_by()
        .values_list("batch_id", flat=True)
        .distinct()
    )
    return sum(import_notices_send(batch_id=batch_id, now=now) for batch_id in list(batches))


def import_notices_send(*, batch_id: int, now=None) -> int:
    """One batch of notices (``IMPORT_NOTICE_BATCH`` people), if now is inside the allowed
    hours; the next batch is beat's next run. Returns how many were queued."""
    now = now or timezone.now()
    batch = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.DONE).first()
    if batch is None:
        return 0  # undone, or not imported
    if next_allowed_time(Message.Channel.SMS, now) > now:
        logger.info("import.notices_wait batch_id=%s", batch_id)
        return 0
    capped_purposes = [*purposes_needing_consent(), "service"]
    queued, capped = [], 0
    with transaction.atomic():
        waiting = (
            ImportedCustomer.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(batch=batch, notice_done=False)
            .select_related("customer")
            .order_by("pk")[: settings.IMPORT_NOTICE_BATCH]
        )
        with translation.override("vi"):
            policy_vi = absolute_url(reverse("consents:privacy"))
        with translation.override("en"):
            policy_en = absolute_url(reverse("consents:privacy"))
        for item in waiting:
            customer = item.customer
            channel = None if customer.is_erased else notice_channel(customer)
            if channel and over_daily_cap(customer.pk, channel, capped_purposes, now):
                capped += 1
                continue  # told in a later batch, once under the cap
            message = None
            if channel:
                message = message_queue(
                    customer=customer,
                    purpose="service",
                    template=TEMPLATE[channel],
                    context={
                        "policy_url": policy_en
                        if customer.preferred_language == "en"
                        else policy_vi
                    },
                    channel=channel,
                    enqueue=False,
                )
            ImportedCustomer.objects.filter(pk=item.pk).update(
                notice_done=True, notice_message=message
            )
            if message is not None:
                queued.append(message.pk)
        ImportBatch.objects.filter(pk=batch.pk).update(
            notices_queued=F("notices_queued") + len(queued)
        )
        transaction.on_commit(lambda: messages_enqueue_batch(message_ids=queued))
    logger.info("import.notices batch_id=%s queued=%s capped=%s", batch_id, len(queued), capped)
    return len(queued)
