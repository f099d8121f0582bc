from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from customers.consents.models import PolicySection, PolicyVersion
from customers.consents.services.policies import (
    PolicyNotPublishable,
    policy_draft_from_current,
    policy_publish,
)
from tests.conftest import login_staff

pytestmark = pytest.mark.django_db


def test_privacy_page_shows_every_heading_and_the_collector(client, seeded, settings):
    html = client.get(reverse("consents:privacy")).content.decode()
    for heading in [
        "Mục đích và phạm vi thu thập",
        "Phạm vi sử dụng thông tin",
        "Thời gian lưu trữ thông tin",
        "Những người hoặc tổ chức có thể được tiếp cận thông tin",
        "Địa chỉ của đơn vị thu thập và quản lý thông tin",
        "Phương thức và công cụ để tiếp cận và chỉnh sửa dữ liệu",
        "Cơ chế tiếp nhận và giải quyết khiếu nại",
        "Dữ liệu cá nhân nhạy cảm",
        "Lưu trữ và chuyển dữ liệu ra nước ngoài",
    ]:
        assert heading in html, heading
    assert settings.ORGANISATION["address"] in html
    english = client.get("/en/privacy/").content.decode()
    assert "Purpose and scope of collection" in english
    assert "We collect: full name" in english


def test_new_version_shows_what_changed_and_past_versions_stay_reachable(
    client, seeded, staff_user
):
    dpo = staff_user(superuser=True)
    draft = policy_draft_from_current(actor=dpo)
    # The retention section is generated from the rules now: the company's own words change.
    section = draft.sections.get(key=PolicySection.Key.PURPOSE_SCOPE)
    section.body_vi = section.body_vi.replace("ghi chú và tùy chọn", "ghi chú và 18 tùy chọn")
    section.save()
    assert policy_publish(version=draft, actor=dpo) is True
    assert policy_publish(version=draft, actor=dpo) is False  # a repeat is harmless

    # Once the notice period has passed (test_policy_change_notice.py), v2 is the policy.
    draft.refresh_from_db()
    with time_machine.travel(draft.effective_at + timedelta(seconds=1), tick=False):
        html = client.get(reverse("consents:privacy")).content.decode()
        assert "Phiên bản 2" in html
        assert "<ins" in html and "18" in html
        old = client.get(reverse("consents:policy_version", args=[1])).content.decode()
        assert "Đây là phiên bản cũ." in old
        assert "ghi chú và tùy chọn" in old


def test_published_version_cannot_be_edited_in_admin(client, seeded, staff_user):
    login_staff(client, staff_user(superuser=True))
    version = PolicyVersion.objects.get(number=1)
    url = reverse("admin:consents_policyversion_change", args=[version.pk])
    assert client.post(url, {"summary_vi": "sửa"}).status_code == 403
    assert PolicyVersion.objects.get(number=1).summary_vi == "Phiên bản đầu tiên."


def test_a_draft_without_sections_cannot_be_published(seeded, staff_user):
    draft = PolicyVersion.objects.create(number=9)
    with pytest.raises(PolicyNotPublishable):
        policy_publish(version=draft, actor=staff_user(superuser=True))
