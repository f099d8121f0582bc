"""Reads for sharing: which recipients the ordinary sharing path may still give data to."""

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.core.company import company_profile, partners_allowed
from customers.models import Recipient


def recipients_for_sharing(*, today=None):
    """Recipients an ordinary sharing may go to: not an authority (a legal disclosure has its
    own flow, with the customer told and an objection window), not one whose relationship
    has ended (an ended agreement gives no ground to send anything), one in use, and no
    partner where the company's policy shares with none."""
    today = today or timezone.localdate()
    recipients = (
        Recipient.objects.exclude(kind=Recipient.Kind.AUTHORITY)
        .exclude(ended_on__lte=today)
        .filter(active=True)
    )
    if not partners_allowed():  # the policy shares with no partner: none is a way out
        recipients = recipients.exclude(kind=Recipient.Kind.PARTNER)
    return recipients


def tia_covered_names() -> set[str]:
    """The recipients named by the latest filed cross-border transfer assessment (the DPO's
    TIA, read through the app registry: the dossiers are built on top of these registers)."""
    dossier = apps.get_model("dpo", "DossierVersion")
    filed = (
        dossier.objects.filter(kind="tia", status="filed").order_by("-filed_on", "-number").first()
    )
    return {row.get("name") for row in (filed.facts.get("abroad", []) if filed else [])}


def recipient_refusal(recipient: Recipient) -> str | None:
    """Why the company's profile forbids this recipient as it stands, or None: no partner
    where the policy allows none; none abroad in use before a filed TIA covers it."""
    if recipient.kind == Recipient.Kind.PARTNER and not company_profile().partners_allowed:
        return _(
            "Our privacy policy shares no data with partners (company profile): a partner "
            "cannot be registered."
        )
    in_use = recipient.active and not recipient.ended_on
    abroad = recipient.hosted_in == Recipient.Hosting.ABROAD
    if abroad and in_use and recipient.name not in tia_covered_names():
        return _(
            "%(name)s holds data outside Viet Nam: register it as not in use, file the "
            "cross-border transfer assessment (TIA) that covers it, then put it in use."
        ) % {"name": recipient.name}
    return None
