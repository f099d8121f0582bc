"""A new policy version is announced to customers before it takes effect (issue 29, item 4)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from customers.consents.models import PolicySection, PolicyVersion
from customers.consents.selectors import policy_current
from customers.consents.services.policies import (
    PolicyNotPublishable,
    policy_draft_from_current,
    policy_publish,
)
from customers.messaging.policy_notice import policy_change_notices_send
from customers.models import Customer, Message
from demo.factories import CustomerFactory
from tests.conftest import login_staff

pytestmark = pytest.mark.django_db


def draft_v2(dpo):
    draft = policy_draft_from_current(actor=dpo)
    draft.summary_vi = "Thêm 18 tùy chọn mới."
    draft.summary_en = "Eighteen new options."
    draft.save()
    section = draft.sections.get(key=PolicySection.Key.PURPOSE_SCOPE)
    section.body_vi = section.body_vi.replace("ghi chú và tùy chọn", "ghi chú và 18 tùy chọn")
    section.save()
    return draft


def test_the_first_version_takes_effect_at_once(seeded):
    v1 = PolicyVersion.objects.get(number=1)
    assert v1.effective_at is not None and v1.effective_at <= timezone.now()
    assert policy_current() == v1


def test_a_new_version_is_announced_and_takes_effect_after_the_notice_period(
    client, seeded, staff_user, settings, django_capture_on_commit_callbacks
):
    settings.POLICY_CHANGE_NOTICE_DAYS = 7
    by_email = CustomerFactory(preferred_language="en")
    by_sms = CustomerFactory(email="")
    unreachable = CustomerFactory(email="", phone_mobile="")
    erased = CustomerFactory()
    Customer.objects.filter(pk=erased.pk).update(
        status=Customer.Status.ERASED, erased_at=timezone.now()
    )
    dpo = staff_user(superuser=True)
    draft = draft_v2(dpo)

    settings.POLICY_CHANGE_NOTICE_BATCH = 1  # one task per customer, each queueing the next
    with django_capture_on_commit_callbacks(execute=True):
        assert policy_publish(version=draft, actor=dpo) is True
    draft.refresh_from_db()
    effective = draft.effective_at
    assert effective >= timezone.now() + timedelta(days=7) - timedelta(minutes=1)

    # Until then the old version is the policy, and its page says what is coming.
    assert policy_current().number == 1
    html = client.get(reverse("consents:privacy")).content.decode()
    assert "Phiên bản 1" in html
    date = timezone.localtime(effective).strftime("%d/%m/%Y")
    assert f"Chính sách mới có hiệu lực từ {date}" in html
    assert reverse("consents:policy_version", args=[2]) in html
    assert "ít nhất 7 ngày trước khi có hiệu lực" in html  # the page's "changes" section says so
    upcoming = client.get(reverse("consents:policy_version", args=[2])).content.decode()
    assert "Đây là phiên bản cũ." not in upcoming
    assert date in upcoming

    # Every customer who can be told gets one notice, in their language, with the links.
    notices = Message.objects.filter(template__startswith="policy_change")
    assert sorted(notices.values_list("customer_id", flat=True)) == sorted([by_email.pk, by_sms.pk])
    email = notices.get(customer=by_email)
    assert email.channel == Message.Channel.EMAIL and email.status == Message.Status.SENT
    assert "Eighteen new options." in email.body and date in email.body
    assert "/en/privacy/v2/" in email.body and "/en/preferences/" in email.body
    sms = notices.get(customer=by_sms)
    assert sms.channel == Message.Channel.SMS and sms.template == "policy_change_sms"
    assert not Message.objects.filter(customer__in=[unreachable, erased]).exists()
    # A batch run again (a redelivered task) tells nobody twice.
    assert policy_change_notices_send(version_id=draft.pk) == 0
    assert notices.count() == 2

    # Once the date has come, the new version is the policy (the cache does not keep the old).
    with time_machine.travel(effective + timedelta(seconds=1), tick=False):
        assert policy_current().number == 2
        html = client.get(reverse("consents:privacy")).content.decode()
        assert "Phiên bản 2" in html
        assert "Chính sách mới có hiệu lực từ" not in html


def test_an_effective_date_before_the_notice_period_is_refused(seeded, staff_user, settings):
    settings.POLICY_CHANGE_NOTICE_DAYS = 7
    dpo = staff_user(superuser=True)
    draft = draft_v2(dpo)
    with pytest.raises(PolicyNotPublishable, match="ít nhất 7 ngày"):
        policy_publish(version=draft, actor=dpo, effective_at=timezone.now() + timedelta(days=3))
    draft.refresh_from_db()
    assert not draft.is_published
    later = timezone.now() + timedelta(days=30)
    assert policy_publish(version=draft, actor=dpo, effective_at=later) is True
    draft.refresh_from_db()
    assert draft.effective_at == later


def test_the_dpo_chooses_the_date_on_the_draft_and_an_early_one_is_refused_in_the_admin(
    client, seeded, staff_user, settings
):
    settings.POLICY_CHANGE_NOTICE_DAYS = 7
    dpo = staff_user(superuser=True)
    login_staff(client, dpo)
    draft = draft_v2(dpo)
    draft.effective_at = timezone.now() + timedelta(days=2)
    draft.save()
    changelist = reverse("admin:consents_policyversion_changelist")
    page = client.post(
        changelist, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    ).content.decode()
    assert "ít nhất 7 ngày sau khi công bố" in page
    draft.refresh_from_db()
    assert not draft.is_published and policy_current().number == 1
