"""Consent changes and erasures become webhook events, in the transaction that made them."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from api.models import WebhookSubscription
from api.services.suppressions import subject_hashes_forget
from api.services.webhooks import webhook_events_create
from customers.consents.models import ConsentEvent, ConsentState
from customers.consents.records import consent_record_fields
from customers.consents.selectors import is_restricted
from customers.models import Customer
from customers.signals import contact_confirmed, customers_erased, restriction_lifted


@receiver(post_save, sender=ConsentEvent, dispatch_uid="api.consent_changed")
def consent_changed(sender, instance: ConsentEvent, created: bool, **kwargs):
    if not created:
        return
    if instance.action == ConsentEvent.Action.GRANTED and instance.customer.awaits_confirmation:
        return  # told when the address is confirmed (anyone could have typed it in)
    if instance.action == ConsentEvent.Action.GRANTED and is_restricted(
        instance.customer, instance.purpose.code
    ):
        return  # not usable while processing is restricted: told when it is lifted

    def data(customer):
        record = consent_record_fields(instance)
        del record["notice_text"], record["purpose"]  # ids and purposes only
        return record

    webhook_events_create(
        event_type=WebhookSubscription.Event.CONSENT_CHANGED,
        customers=[instance.customer],
        data_for=data,
    )


@receiver(contact_confirmed, dispatch_uid="api.contact_confirmed")
def confirmed(sender, customer, purpose_code=None, **kwargs):
    """A web registration confirmed, or a restriction lifted (of ``purpose_code``, or whole):
    the consents it holds now are told, as if given now."""
    granted = ConsentState.objects.filter(customer=customer, granted=True)
    if purpose_code is not None:
        granted = granted.filter(purpose__code=purpose_code)
    events = ConsentEvent.objects.filter(pk__in=granted.values("last_event_id")).select_related(
        "purpose", "policy_version"
    )
    for event in events.order_by("pk"):
        event.customer = customer  # confirmed, as the receiver checks
        consent_changed(sender=ConsentEvent, instance=event, created=True)


restriction_lifted.connect(confirmed, dispatch_uid="api.restriction_lifted")


@receiver(customers_erased, dispatch_uid="api.customers_erased")
def erased(sender, customer_ids, **kwargs):
    # Read before the wipe: each subscriber gets the salted hashes it needs to find its copy.
    webhook_events_create(
        event_type=WebhookSubscription.Event.CUSTOMER_ERASED,
        customers=list(Customer.objects.filter(pk__in=customer_ids)),
        data_for=lambda customer: {},
    )
    # And the suppression lists' stored hashes of their values go with them (same
    # transaction: found by the blind indexes the wipe is about to empty).
    subject_hashes_forget(customer_ids=customer_ids)
