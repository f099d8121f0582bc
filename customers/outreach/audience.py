"""Who a campaign reaches and how: computed when it is previewed and again when it is sent."""

from customers.consents.models import Purpose
from customers.consents.selectors import customers_consenting, restricted
from customers.models import Campaign, Customer, Message, Service


def is_service_notice(campaign: Campaign) -> bool:
    """A notice on the contract basis (a change to a product the customer uses): no consent,
    no opt-in, no unsubscribe link, no advertising label, no marketing cap; quiet hours still
    apply (``message_queue``)."""
    return campaign.purpose.legal_basis == Purpose.LegalBasis.CONTRACT


def campaign_template(campaign: Campaign) -> str:
    return "service_change" if is_service_notice(campaign) else "campaign"


def campaign_audience(campaign: Campaign):
    """Computed at send time: current consent (or, for a service notice, an active service
    of the product), not erased, processing not restricted, the channel usable."""
    if is_service_notice(campaign):
        using = Service.objects.filter(status=Service.Status.ACTIVE, product=campaign.product)
        audience = (
            Customer.objects.exclude(status=Customer.Status.ERASED)
            .exclude(restricted(campaign.purpose.code))
            .filter(pk__in=using.values("customer_id"))
        )
    else:
        audience = customers_consenting(campaign.purpose.code)
    if campaign_channel(campaign) == Message.Channel.EMAIL:
        return audience.filter(email_suspended_at__isnull=True).exclude(email_index="")
    return audience.exclude(phone_mobile_index="")


def campaign_channel(campaign: Campaign) -> str:
    return {"sms": Message.Channel.SMS, "phone": Message.Channel.CALL}.get(
        campaign.channel or campaign.purpose.channel, Message.Channel.EMAIL
    )
