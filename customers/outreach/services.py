"""Renewal reminders and campaigns, with the marketing limits of Decree 91/2020
(docs/legal.md §9): consent checked at send time, at most 3 marketing emails or SMS and 1 call per
recipient in 24 hours, SMS only 07:00-22:00 and calls only 08:00-17:00 (Viet Nam time)."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.consents.selectors import (
    is_restricted,
    purposes_needing_consent,
)
from customers.core import jobs
from customers.core.actors import Actor
from customers.messaging.limits import over_daily_cap
from customers.messaging.services import message_queue, message_send
from customers.models import CallTask, Campaign, Customer, Message, Service
from customers.outreach.audience import (
    campaign_audience,
    campaign_channel,
    campaign_template,
    is_service_notice,
)
from customers.outreach.preview import CampaignRefused, campaign_preview, check_confirmation

# Defined beside (audience.py, preview.py), used here and by callers of this module.
__all__ = [
    "CampaignRefused",
    "campaign_audience",
    "campaign_channel",
    "campaign_preview",
    "campaign_template",
    "is_service_notice",
]

logger = logging.getLogger(__name__)


def renewal_reminders(*, today=None) -> tuple[int, int]:
    """Daily: remind customers whose service expires in 30, 7 and 1 days, once each; customers
    who prefer the phone get a call task for sales instead. Returns (emails, calls)."""
    today = today or timezone.localdate()
    emails = calls = 0
    for days in sorted(settings.RENEWAL_REMINDER_DAYS, reverse=True):
        due = Service.objects.filter(
            status=Service.Status.ACTIVE, ends_on=today + datetime.timedelta(days=days)
        )
        for service in due.select_related("customer"):
            if days in service.reminders_sent or service.customer.is_erased:
                continue
            if is_restricted(service.customer, "service_notices"):
                continue  # processing restricted: not even reminders until it is lifted
            with transaction.atomic():
                customer = service.customer
                if customer.preferred_channel == Customer.Channel.PHONE:
                    CallTask.objects.create(
                        customer=customer,
                        purpose="service_notices",
                        note=f"{service.product}: {days}",
                        due_on=today,
                    )
                    calls += 1
                else:
                    message_queue(
                        customer=customer,
                        purpose="service_notices",
                        template="renewal_reminder",
                        context={
                            "product": service.product,
                            "days": days,
                            "ends_on": service.ends_on.strftime("%d/%m/%Y"),
                        },
                    )
                    emails += 1
                service.reminders_sent = [*service.reminders_sent, days]
                service.save(update_fields=["reminders_sent"])
    logger.info("renewals.reminded emails=%s calls=%s", emails, calls)
    return emails, calls


@transaction.atomic
def call_task_done(*, task: CallTask, actor) -> bool:
    """Staff made the call. For an erasure notice the customer has now been told: the notice
    period starts (the erasure waits for it). A repeat changes nothing (False)."""
    Actor.of(actor).require("customers.change_calltask")
    task = CallTask.objects.select_for_update().get(pk=task.pk)
    if task.done_at is not None:
        return False
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
    if task.purpose == CallTask.ERASURE_NOTICE:
        Customer.objects.filter(pk=task.customer_id, erasure_notice_sent_at__isnull=True).exclude(
            status=Customer.Status.ERASED
        ).update(erasure_notice_sent_at=task.done_at)
    logger.info("call_task.done call_task_id=%s purpose=%s", task.pk, task.purpose)
    return True


def campaign_save(*, campaign: Campaign, actor) -> Campaign:
    """Save a campaign drafted by staff; who drafted it is recorded once, on creation."""
    actor = Actor.of(actor).require(
        "customers.add_campaign" if campaign.pk is None else "customers.change_campaign"
    )
    if campaign.pk is None:
        campaign.created_by = actor.user
    campaign.save()
    return campaign


@transaction.atomic
def campaign_start(*, campaign: Campaign, actor, confirmation: str, batch: int = 500) -> int:
    """Send a draft: the audience is computed now, and batches are queued after commit.

    ``confirmation`` comes from ``campaign_preview``, which staff have seen: without it, or
    with one for other content or fewer customers, nothing is sent (CampaignRefused)."""
    Actor.of(actor).require("customers.change_campaign")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.DRAFT:
        return 0
    if is_service_notice(campaign) and (campaign.purpose.is_marketing or not campaign.product):
        raise CampaignRefused(
            _("A notice on the contract basis names the product whose customers it concerns.")
        )
    ids = list(campaign_audience(campaign).values_list("pk", flat=True))
    check_confirmation(campaign, confirmation, len(ids))
    campaign.status, campaign.started_at = Campaign.Status.SENDING, timezone.now()
    campaign.audience_size = len(ids)
    campaign.save(update_fields=["status", "started_at", "audience_size"])
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        transaction.on_commit(
            lambda chunk=chunk: jobs.enqueue(jobs.CAMPAIGN_BATCH, campaign.pk, chunk)
        )
    return len(ids)


def campaign_batch(*, campaign_id: int, customer_ids) -> int:
    campaign = Campaign.objects.select_related("purpose").get(pk=campaign_id)
    now = timezone.now()
    marketing = list(purposes_needing_consent())
    # A batch delivered twice queues nothing the second time.
    already = set(
        Message.objects.filter(customer_id__in=customer_ids, campaign=campaign).values_list(
            "customer_id", flat=True
        )
    )
    queued = 0
    audience = campaign_audience(campaign).filter(pk__in=customer_ids).exclude(pk__in=already)
    for customer in audience:
        english = customer.preferred_language == "en"
        channel = campaign_channel(campaign)
        capped = over_daily_cap(customer.pk, channel, marketing, now)
        message = message_queue(
            customer=customer,
            purpose=campaign.purpose.code,
            template=campaign_template(campaign),
            context={
                "subject": campaign.subject_en if english else campaign.subject_vi,
                "body": campaign.body_en if english else campaign.body_vi,
                "product": campaign.product,
            },
            hold_reason="daily marketing limit reached" if capped else "",
            campaign=campaign,
            channel=channel,
            enqueue=False,
        )
        queued += bool(message and message.status == Message.Status.QUEUED)
    # Every recipient has a recorded message (queued or held): the campaign is out.
    if Message.objects.filter(campaign=campaign).count() >= campaign.audience_size:
        Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENT)
    campaign_send_queued(campaign_id=campaign_id, customer_ids=customer_ids)
    return queued


def campaign_send_queued(*, campaign_id: int, customer_ids) -> int:
    """Send this batch's queued messages here, in the batch's task, instead of one task per
    message. A batch delivered again (its worker died) sends what is still queued; each
    message is claimed before it is sent, so none goes twice."""
    ids = Message.objects.filter(
        campaign_id=campaign_id, customer_id__in=customer_ids, status=Message.Status.QUEUED
    ).values_list("pk", flat=True)
    return sum(message_send(message_id=message_id) for message_id in list(ids))
