"""A form that matches a known customer changes nothing until the customer confirms it
through the address on file (issue 15, item 1)."""

import json
import re

import pytest
import time_machine
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from customers.consents.models import ConsentState
from customers.models import Customer, PendingChange
from customers.records.pending import pending_changes_expire
from tests.customers.test_collection import REGISTRATION, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.FORM_RATE_LIMIT = "1000/m"


def registered_and_confirmed(client):
    with TestCase.captureOnCommitCallbacks(execute=True):
        register(client)
    customer = Customer.objects.get()
    customer.contact_confirmed_at = customer.created_at
    customer.save()
    mail.outbox.clear()
    return customer


def change_link(message):
    return re.search(r"https?://[^/\s]+(/\S*confirm-change/\S+/)", message.body).group(1)


def test_an_anonymous_form_with_a_known_email_changes_nothing_until_confirmed(client, seeded):
    customer = registered_and_confirmed(client)
    with TestCase.captureOnCommitCallbacks(execute=True):
        register(
            client,
            full_name="Kẻ Mạo Danh",
            phone_mobile="0987 654 321",
            purpose_marketing_email="on",
        )
    customer.refresh_from_db()
    assert customer.full_name == "Nguyễn Thị Hoa"
    assert customer.phone_mobile == "0912 345 678"
    assert not ConsentState.objects.exists()  # purposes wait for the confirmation too
    change = PendingChange.objects.get()
    assert change.fields == ["full_name", "phone_mobile"]

    # The link goes to the address on file, nowhere else.
    assert [m.to for m in mail.outbox] == [[REGISTRATION["email"]]]
    path = change_link(mail.outbox[0])
    page = client.get(path).content.decode()
    # Old → new, field by field.
    assert "Nguyễn Thị Hoa" in page and "Kẻ Mạo Danh" in page
    assert "0912 345 678" in page and "0987 654 321" in page
    customer.refresh_from_db()
    assert customer.full_name == "Nguyễn Thị Hoa"  # GET changes nothing

    response = client.post(path)
    assert response.status_code == 302  # redirect after POST
    assert "đã được cập nhật" in client.get(response["Location"]).content.decode()
    customer.refresh_from_db()
    assert customer.full_name == "Kẻ Mạo Danh"
    assert customer.phone_mobile == "0987 654 321"
    assert ConsentState.objects.get().purpose.code == "marketing_email"
    assert client.post(path).status_code == 302  # a repeat is harmless
    assert customer.changes.filter(fields=["full_name", "phone_mobile"]).count() == 1


def test_an_unconfirmed_change_expires_and_its_values_are_forgotten(client, seeded):
    customer = registered_and_confirmed(client)
    with TestCase.captureOnCommitCallbacks(execute=True):
        register(client, full_name="Kẻ Mạo Danh")
    path = change_link(mail.outbox[0])
    with time_machine.travel("2030-01-01"):
        response = client.post(path)
        assert response.status_code == 400
        assert "Liên kết đã hết hạn" in response.content.decode()
        assert pending_changes_expire() == 1
    change = PendingChange.objects.get()
    assert change.status == PendingChange.Status.EXPIRED
    assert change.payload == ""
    customer.refresh_from_db()
    assert customer.full_name == "Nguyễn Thị Hoa"


def test_a_newer_form_replaces_the_older_pending_one(client, seeded):
    registered_and_confirmed(client)
    with TestCase.captureOnCommitCallbacks(execute=True):
        register(client, full_name="Tên Thứ Nhất")
        register(client, full_name="Tên Thứ Hai")
    first, second = (change_link(m) for m in mail.outbox)
    assert client.post(first).status_code == 400
    assert client.post(second).status_code == 302
    assert Customer.objects.get().full_name == "Tên Thứ Hai"


def test_staff_see_pending_changes_on_the_customer_without_the_values(client, seeded, staff_client):
    customer = registered_and_confirmed(client)
    with TestCase.captureOnCommitCallbacks(execute=True):
        register(client, full_name="Kẻ Mạo Danh")
    admin = staff_client(superuser=True)
    page = admin.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    html = page.content.decode()
    assert "Thay đổi chờ khách hàng xác nhận" in html
    assert "full_name" in html
    assert "Kẻ Mạo Danh" not in html


def test_sending_the_same_registration_again_sends_nothing_new(client, seeded):
    """Back, then send again (issue 28 §7): the first email recorded the customer and the
    boxes ticked; the same form a second time changes nothing, so it asks nothing."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        register(client, purpose_marketing_email="on")
    first = len(mail.outbox)
    with TestCase.captureOnCommitCallbacks(execute=True):
        register(client, purpose_marketing_email="on")
    assert len(mail.outbox) == first
    assert not PendingChange.objects.exists()
    # A real change still asks for confirmation, listing only what is new.
    with TestCase.captureOnCommitCallbacks(execute=True):
        register(client, purpose_marketing_email="on", phone_mobile="0987 654 321")
    change = PendingChange.objects.get()
    assert change.fields == ["phone_mobile"]
    assert json.loads(change.payload)["consented"] == []
