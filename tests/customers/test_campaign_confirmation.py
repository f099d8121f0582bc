"""A campaign is sent only after staff have seen who will receive what and confirmed it:
how many customers, by which channel, a rendered sample in each language, the purpose and its
legal basis. The confirmation is the service's own step (campaign_start refuses without it, or
with one given for other content or a smaller audience), so no admin screen can skip it."""

import pytest
from django.core import mail
from django.urls import reverse

from customers.consents.models import ConsentEvent, Purpose
from customers.consents.services.ledger import consent_record
from customers.core.roles import Role
from customers.models import Campaign, Message
from customers.outreach import services as outreach
from demo.factories import CustomerFactory
from tests.conftest import login_staff

pytestmark = pytest.mark.django_db


def consenting(n):
    purpose = Purpose.objects.get(code="marketing_email")
    for _ in range(n):
        consent_record(
            customer=CustomerFactory(),
            purpose=purpose,
            granted=True,
            channel=ConsentEvent.Channel.WEB_FORM,
            schedule_receipt=False,
        )


@pytest.fixture
def offer(seeded, staff_user):
    return Campaign.objects.create(
        purpose=Purpose.objects.get(code="marketing_email"),
        subject_vi="Ưu đãi tháng 12",
        subject_en="December offer",
        body_vi="Giảm 20% cho máy chủ ảo.",
        body_en="20% off virtual servers.",
        created_by=staff_user(username="nguoisoan"),
    )


def test_without_a_confirmation_nothing_is_sent(offer, django_capture_on_commit_callbacks):
    consenting(3)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(outreach.CampaignRefused):
        outreach.campaign_start(campaign=offer, actor=None, confirmation="")
    offer.refresh_from_db()
    assert offer.status == Campaign.Status.DRAFT and not Message.objects.exists()


def test_the_preview_says_who_receives_what_and_why(offer):
    consenting(3)
    preview = outreach.campaign_preview(campaign=offer, actor=None)
    assert preview.count == 3
    assert preview.channel_display == "Email"
    assert preview.purpose_name == Purpose.objects.get(code="marketing_email").name()
    assert preview.legal_basis_display == "Sự đồng ý"
    [vi] = [s for s in preview.samples if s["language"] == "vi"]
    assert vi["subject"] == "Ưu đãi tháng 12" and "Giảm 20% cho máy chủ ảo." in vi["text"]
    assert not Message.objects.exists()


def test_the_confirmed_preview_sends_and_a_stale_one_is_refused(
    offer, django_capture_on_commit_callbacks
):
    consenting(2)
    preview = outreach.campaign_preview(campaign=offer, actor=None)
    offer.body_vi = "Giảm 50%!"
    offer.save()
    with pytest.raises(outreach.CampaignRefused):
        outreach.campaign_start(campaign=offer, actor=None, confirmation=preview.confirmation)

    preview = outreach.campaign_preview(campaign=offer, actor=None)
    consenting(1)  # one more customer than the staff member saw
    with pytest.raises(outreach.CampaignRefused):
        outreach.campaign_start(campaign=offer, actor=None, confirmation=preview.confirmation)

    preview = outreach.campaign_preview(campaign=offer, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        count = outreach.campaign_start(
            campaign=offer, actor=None, confirmation=preview.confirmation
        )
    assert count == 3 and len(mail.outbox) == 3


def test_the_admin_action_shows_the_preview_and_sends_only_when_confirmed(
    client, offer, staff_user, django_capture_on_commit_callbacks
):
    consenting(2)
    sales = login_staff(client, staff_user(role=Role.SALES.value, username="kinhdoanh"))
    url = reverse("admin:customers_campaign_changelist")
    page = sales.post(url, {"action": "send", "_selected_action": [offer.pk]})
    assert page.status_code == 200
    html = page.content.decode()
    for shown in ("Ưu đãi tháng 12", "Giảm 20% cho máy chủ ảo.", "December offer", "Sự đồng ý"):
        assert shown in html
    assert "2 khách hàng" in html
    assert not Message.objects.exists()
    offer.refresh_from_db()
    assert offer.status == Campaign.Status.DRAFT

    confirmation = page.context["previews"][0].confirmation
    with django_capture_on_commit_callbacks(execute=True):
        done = sales.post(
            url,
            {
                "action": "send",
                "_selected_action": [offer.pk],
                "confirm": "yes",
                f"confirmation_{offer.pk}": confirmation,
            },
        )
    assert done.status_code == 302
    assert len(mail.outbox) == 2
