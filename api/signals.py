"""Consent changes and erasures become webhook events, in the transaction that made them."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from api.models import WebhookSubscription
from api.services.webhooks import webhook_events_create
from consents.models import ConsentEvent
from customers.models import Customer
from customers.signals import customers_erased


@receiver(post_save, sender=ConsentEvent, dispatch_uid="api.consent_changed")
def consent_changed(sender, instance: ConsentEvent, created: bool, **kwargs):
    if not created:
        return

    def data(customer):
        return {
            "record_id": instance.pk,
            "purpose_id": instance.purpose.code,
            "event_state": "given"
            if instance.action == ConsentEvent.Action.GRANTED
            else "withdrawn",
            "event_time": instance.created_at.isoformat(),
            "notice_id": f"privacy-policy-v{instance.policy_version.number}",
            "collection_method": instance.channel,
        }

    webhook_events_create(
        event_type=WebhookSubscription.Event.CONSENT_CHANGED,
        customers=[instance.customer],
        data_for=data,
    )


@receiver(customers_erased, dispatch_uid="api.customers_erased")
def erased(sender, customer_ids, **kwargs):
    # Read before the wipe: each subscriber gets the salted hashes it needs to find its copy.
    webhook_events_create(
        event_type=WebhookSubscription.Event.CUSTOMER_ERASED,
        customers=list(Customer.objects.filter(pk__in=customer_ids)),
        data_for=lambda customer: {},
    )
