"""What a campaign will send, shown before it is sent, and the confirmation that goes with it.

``campaign_preview`` counts the audience as ``campaign_start`` will, renders a sample in each
language (for a stand-in customer: no one's data is shown) and names the purpose and its legal
basis. Its ``confirmation`` is a signed note of what was shown: the campaign, a digest of its
content and the audience's size. ``campaign_start`` sends only with a confirmation that still
matches: other content, a larger audience or an hour's wait mean looking again.
"""

import dataclasses
import hashlib

from django.core import signing
from django.utils.translation import gettext as _

from customers.core.actors import Actor
from customers.messaging.services import absolute_url, render_email
from customers.models import Campaign, Customer, Message
from customers.outreach.audience import (
    campaign_audience,
    campaign_channel,
    campaign_template,
    is_service_notice,
)

SALT = "customers.campaign.confirmation"
MAX_AGE = 3600  # seconds a preview stays good for


class CampaignRefused(Exception):
    pass


@dataclasses.dataclass
class CampaignPreview:
    campaign: Campaign
    count: int
    by_language: dict
    channel_display: str
    purpose_name: str
    legal_basis_display: str
    service_notice: bool
    samples: list
    confirmation: str


def content_digest(campaign: Campaign) -> str:
    parts = [
        str(campaign.purpose_id),
        campaign.product,
        campaign.channel,
        campaign.subject_vi,
        campaign.subject_en,
        campaign.body_vi,
        campaign.body_en,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _sample(campaign, language, notice):
    english = language == "en"
    stand_in = Customer(full_name="Nguyễn Văn A", preferred_language=language)  # a stand-in
    links = {"preferences_url": absolute_url("/preferences/…/")}
    if not notice:
        links["unsubscribe_url"] = absolute_url("/unsubscribe/…/")
    subject, text, _html = render_email(
        template=campaign_template(campaign),
        context={
            "customer": stand_in,
            **links,
            "subject": campaign.subject_en if english else campaign.subject_vi,
            "body": campaign.body_en if english else campaign.body_vi,
            "product": campaign.product,
        },
        language=language,
    )
    return {"language": language, "subject": subject, "text": text}


def campaign_preview(*, campaign: Campaign, actor) -> CampaignPreview:
    """Who will receive what, and why; sends nothing."""
    Actor.of(actor).require("customers.change_campaign")
    audience = campaign_audience(campaign)
    ids = list(audience.values_list("pk", flat=True))
    english = audience.filter(preferred_language="en").count()
    notice = is_service_notice(campaign)
    confirmation = signing.dumps(
        {"c": campaign.pk, "d": content_digest(campaign), "n": len(ids)}, salt=SALT
    )
    return CampaignPreview(
        campaign=campaign,
        count=len(ids),
        by_language={"vi": len(ids) - english, "en": english},
        channel_display=str(Message.Channel(campaign_channel(campaign)).label),
        purpose_name=campaign.purpose.name(),
        legal_basis_display=str(campaign.purpose.get_legal_basis_display()),
        service_notice=notice,
        samples=[_sample(campaign, language, notice) for language in ("vi", "en")],
        confirmation=confirmation,
    )


def check_confirmation(campaign: Campaign, confirmation: str, audience_size: int) -> None:
    """Raise CampaignRefused unless ``confirmation`` is a recent preview of this campaign as it
    is now, for no fewer customers than will receive it."""
    if not confirmation:
        raise CampaignRefused(_("Look at what will be sent and confirm it before sending."))
    try:
        shown = signing.loads(confirmation, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise CampaignRefused(
            _("The preview is more than an hour old: look at it again.")
        ) from None
    except signing.BadSignature:
        raise CampaignRefused(
            _("Look at what will be sent and confirm it before sending.")
        ) from None
    if shown.get("c") != campaign.pk or shown.get("d") != content_digest(campaign):
        raise CampaignRefused(_("The campaign changed after the preview: look at it again."))
    if audience_size > shown.get("n", 0):
        raise CampaignRefused(
            _("More customers would receive it than the preview showed: look at it again.")
        )
