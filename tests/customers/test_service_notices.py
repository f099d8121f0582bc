"""Notices about a product go, on the contract basis, to every customer with an active
service of it: no consent needed, no advertising label or unsubscribe, quiet hours kept
(issue 15, item 6)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from customers.consents.models import Purpose
from customers.messaging.services import message_send
from customers.models import Campaign, Message, Service
from customers.outreach import services as outreach
from demo.factories import CustomerFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def notice(staff_user, **extra):
    return Campaign.objects.create(
        purpose=Purpose.objects.get(code="service_notices"),
        subject_vi="Bảo trì máy chủ ảo ngày 05/12",
        subject_en="Virtual server maintenance on 05/12",
        body_vi="Máy chủ ảo sẽ được bảo trì từ 01:00 đến 03:00 ngày 05/12.",
        body_en="Virtual servers are maintained from 01:00 to 03:00 on 05/12.",
        created_by=staff_user(),
        **extra,
    )


def test_a_product_notice_reaches_every_active_user_of_that_product_and_no_one_else(
    seeded, staff_user, django_capture_on_commit_callbacks
):
    user = ServiceFactory(product="Máy chủ ảo").customer
    ServiceFactory(product="Camera an ninh")
    ServiceFactory(product="Máy chủ ảo", status=Service.Status.ENDED)
    CustomerFactory()
    campaign = notice(staff_user, product="Máy chủ ảo")
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            outreach.campaign_start(
                campaign=campaign,
                actor=None,
                confirmation=outreach.campaign_preview(campaign=campaign, actor=None).confirmation,
            )
            == 1
        )
    [sent] = mail.outbox
    assert sent.to == [user.email]
    assert "Thông báo về dịch vụ của bạn: Máy chủ ảo" in sent.body
    assert "không phải là quảng cáo" in sent.body
    assert "List-Unsubscribe" not in sent.extra_headers  # not marketing: no opt-out header


def test_a_product_notice_by_sms_waits_for_the_allowed_hours_and_has_no_advertising_label(
    seeded, staff_user, django_capture_on_commit_callbacks
):
    ServiceFactory(product="Máy chủ ảo")
    campaign = notice(staff_user, product="Máy chủ ảo", channel="sms")
    night = datetime.datetime(2026, 11, 22, 22, 30, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(night, tick=False), django_capture_on_commit_callbacks(execute=True):
        outreach.campaign_start(
            campaign=campaign,
            actor=None,
            confirmation=outreach.campaign_preview(campaign=campaign, actor=None).confirmation,
        )
    message = Message.objects.get(campaign=campaign)
    assert message.channel == "sms" and timezone.localtime(message.not_before).hour == 7
    with time_machine.travel(night, tick=False):
        assert message_send(message_id=message.pk) is False  # quiet hours
    with time_machine.travel(night.replace(day=23, hour=7, minute=5), tick=False):
        assert message_send(message_id=message.pk) is True
    message.refresh_from_db()
    assert not message.body.startswith("[QC]")


def test_a_contract_notice_without_a_product_is_refused(seeded, staff_user):
    ServiceFactory(product="Máy chủ ảo")
    campaign = notice(staff_user)
    with pytest.raises(outreach.CampaignRefused):
        outreach.campaign_start(
            campaign=campaign,
            actor=None,
            confirmation=outreach.campaign_preview(campaign=campaign, actor=None).confirmation,
        )
    assert Campaign.objects.get().status == Campaign.Status.DRAFT
