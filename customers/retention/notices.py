"""Telling a customer, before the retention erasure, by the channel they have (issue 28 §5):
email; SMS when there is no usable email; a call task for staff, with its own deadline, when
there is no mobile either. The notice period starts when the message is queued, or when the
call is recorded as made (``customers.outreach.services.call_task_done``)."""

import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from customers.messaging.services import message_queue
from customers.models import CallTask, Customer, Message
from customers.retention.farewell import kept_for_customer

EMAIL, SMS, CALL = "email", "sms", "call"


def erasure_notice_send(*, customer: Customer, days: int, erase_on, kept, now) -> str:
    """Queue the notice (or the call); returns the channel used. The caller records the
    notice as sent for email and SMS only: a call counts once it is made."""
    context = {
        "days": days,
        "date": erase_on.strftime("%d/%m/%Y"),
        "kept": kept_for_customer(kept, customer.preferred_language),
    }
    if customer.email and not customer.email_suspended:
        message_queue(
            customer=customer, purpose="service", template="erasure_notice", context=context
        )
        return EMAIL
    if customer.phone_mobile:
        message_queue(
            customer=customer,
            purpose="service",
            template="erasure_notice_sms",
            context=context,
            channel=Message.Channel.SMS,
        )
        return SMS
    with translation.override(settings.LANGUAGE_CODE):  # staff read it in Vietnamese
        note = gettext(
            "Tell the customer their data will be erased %(days)s days after this call, and "
            "what the law makes us keep; then mark the call made."
        ) % {"days": days}
    CallTask.objects.create(
        customer=customer,
        purpose=CallTask.ERASURE_NOTICE,
        note=note[:255],
        due_on=timezone.localdate(now)
        + datetime.timedelta(days=settings.RETENTION_CALL_NOTICE_DAYS),
    )
    return CALL
