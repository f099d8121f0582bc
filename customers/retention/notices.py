"""Telling a customer, before the retention erasure, by the channel they have (issue 28 §5):
email; SMS when there is no usable email; a call task for staff, with its own deadline, when
there is no mobile either. The notice period starts when the message is queued, or when the
call is recorded as made (``customers.outreach.services.call_task_done``)."""

import datetime

from django.conf import settings
from django.db.models import OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext

from customers.messaging.services import message_queue
from customers.models import CallTask, Customer, Message
from customers.retention.farewell import kept_for_customer

EMAIL, SMS, CALL = "email", "sms", "call"


TEMPLATES = {"erasure_notice": EMAIL, "erasure_notice_sms": SMS}
UNDELIVERED = (Message.Status.FAILED, Message.Status.HELD)


def undelivered_notices():
    """For a query on Customer: the current notice (queued when it was recorded, or later)
    did not reach the customer. They are not erased, and are told another way."""
    return Message.objects.filter(
        customer=OuterRef("pk"),
        template__in=TEMPLATES,
        status__in=UNDELIVERED,
        created_at__gte=OuterRef("erasure_notice_sent_at"),
    )


def _failed_channels(customer: Customer) -> set[str]:
    if customer.erasure_notice_sent_at is None:
        return set()  # the first notice of this period: nothing failed yet
    failed = Message.objects.filter(
        customer=customer,
        template__in=TEMPLATES,
        status__in=UNDELIVERED,
        created_at__gte=customer.last_activity_at,
    )
    return {TEMPLATES[t] for t in failed.values_list("template", flat=True)}


def erasure_notice_send(*, customer: Customer, days: int, erase_on, kept, now) -> str:
    """Queue the notice (or the call) by the first channel the customer has that has not
    already failed them; returns it. The caller records the notice as sent for email and SMS
    only: a call counts once it is made."""
    failed = _failed_channels(customer)
    context = {
        "days": days,
        "date": erase_on.strftime("%d/%m/%Y"),
        "kept": kept_for_customer(kept, customer.preferred_language),
    }
    if customer.email and not customer.email_suspended and EMAIL not in failed:
        message_queue(
            customer=customer, purpose="service", template="erasure_notice", context=context
        )
        return EMAIL
    if customer.phone_mobile and SMS not in failed:
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
