"""Two policy clauses that had no mechanism: support exchanges are notified to the customer,
and the policy says what links to other websites mean (issue 15)."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from customers.core.roles import Role
from customers.models import Message
from demo.factories import CustomerFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_technical_support_tells_the_customer_what_was_done_in_an_exchange(
    seeded, staff_client, django_capture_on_commit_callbacks
):
    service = ServiceFactory(product="Máy chủ ảo", customer=CustomerFactory(email="hai@example.vn"))
    support = staff_client(role=Role.TECH_SUPPORT.value, username="ktv")
    url = reverse("admin:customers_service_changelist")
    selection = {"action": "tell_about_support_exchange", ACTION_CHECKBOX_NAME: [service.pk]}
    page = support.post(url, selection)
    assert page.status_code == 200  # the form asking for the summary
    empty = support.post(url, {**selection, "summary": "   "})
    assert "Trường này là bắt buộc" in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = support.post(url, {**selection, "summary": "Đã khởi động lại máy chủ lúc 10:05."})
    assert done.status_code == 302
    [sent] = mail.outbox
    assert sent.to == ["hai@example.vn"]
    assert "Máy chủ ảo" in sent.subject
    assert "Đã khởi động lại máy chủ lúc 10:05." in sent.body
    assert "List-Unsubscribe" not in sent.extra_headers
    assert Message.objects.get().purpose == "service_notices"


def test_the_policy_says_what_links_to_other_websites_mean(client, seeded):
    page = client.get(reverse("consents:privacy")).content.decode()
    assert "Liên kết đến trang web khác" in page
    assert "chính sách bảo mật của trang bạn đến sẽ áp dụng" in page
