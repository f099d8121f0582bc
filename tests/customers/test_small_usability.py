"""Small things a first-time visitor and a new developer meet (issue 17, item 8)."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from customers.consents.models import ConsentState
from customers.models import Customer
from tests.customers.test_collection import REGISTRATION, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.FORM_RATE_LIMIT = settings.FORM_POST_RATE_LIMIT = "1000/m"


def test_an_invalid_email_is_called_invalid_in_vietnamese(client, seeded):
    response = client.post(reverse("customers:register"), {**REGISTRATION, "email": "hoa@"})
    assert "Nhập một địa chỉ email hợp lệ." in response.content.decode()


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml" and b"<svg" in response.content


def test_signing_out_of_my_data_says_so(client, seeded):
    from customers.requests import my_data
    from demo.factories import CustomerFactory

    customer = CustomerFactory()
    client.post(reverse("customers:my_data_open", args=[my_data.link_token(customer)]))
    response = client.post(reverse("customers:my_data_sign_out"), follow=True)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Bạn đã thoát khỏi trang dữ liệu của mình" in text
    assert "hết hạn" not in text


def test_a_link_cannot_sign_a_customer_out_of_my_data(client, seeded):
    """Signing out is a button (POST): an image or link on another site signs no one out."""
    from customers.requests import my_data
    from demo.factories import CustomerFactory

    customer = CustomerFactory()
    client.post(reverse("customers:my_data_open", args=[my_data.link_token(customer)]))
    assert client.get(reverse("customers:my_data_sign_out")).status_code == 405
    assert client.get(reverse("customers:my_data_overview")).status_code == 200
    page = client.get(reverse("customers:my_data_overview")).content.decode()
    assert f'<form method="post" action="{reverse("customers:my_data_sign_out")}">' in page


def test_an_individual_is_not_offered_the_business_reference(client, seeded):
    form = client.get(reverse("customers:register")).content.decode()
    box = re.search(r'<div[^>]*class="[^"]*business-fields[^"]*"[^>]*>(?:(?!</fieldset>).)*'
                    r'name="purpose_reference"', form, re.S)  # fmt: skip
    assert box, "the reference box is shown with the business fields only"
    assert (
        "purpose_reference" not in client.get(reverse("customers:service_request")).content.decode()
    )

    register(client, purpose_reference="on")  # an individual ticks it anyway (no script)
    customer = Customer.objects.get()
    assert not ConsentState.objects.filter(customer=customer, purpose__code="reference").exists()


def test_a_business_can_agree_to_be_a_reference(client, seeded):
    register(
        client,
        kind="business",
        business_name="Công ty TNHH Kỹ thuật Bình Minh",
        tax_code="0312345673",
        purpose_reference="on",
    )
    customer = Customer.objects.get()
    assert ConsentState.objects.filter(
        customer=customer, purpose__code="reference", granted=True
    ).exists()


def test_demo_names_look_like_people_and_companies(settings):
    settings.DEBUG = True
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo", customers=12, stdout=io.StringIO())
    for customer in Customer.objects.all():
        assert not re.search(r"Công ty|TNHH|Trách nhiệm|Quý|Chị|Anh |Ông|Bà ", customer.full_name)
        assert len(customer.full_name.split()) in (3, 4), customer.full_name  # family … given
        if customer.business_name:
            assert customer.business_name.startswith("Công ty"), customer.business_name
            assert customer.contact_person and "Công ty" not in customer.contact_person


def test_the_incident_alarm_gives_vietnam_time(staff_user, settings):
    import datetime

    import time_machine
    from django.core import mail
    from django.utils import timezone

    from customers.incidents import services as incidents
    from customers.models import Incident

    dpo = staff_user(role="Bảo vệ dữ liệu", username="baovedulieu")
    dpo.email = "dpo@antam.example.vn"
    dpo.save()
    detected = datetime.datetime(2026, 11, 26, 2, 30, tzinfo=datetime.UTC)  # 09:30 in Hà Nội
    Incident.objects.create(detected_at=detected, description="x", data_categories="email")
    with time_machine.travel(detected + datetime.timedelta(hours=25)):
        assert incidents.incident_alarms()
    body = mail.outbox[-1].body
    assert "26/11/2026 09:30" in body and "giờ Việt Nam" in body and "UTC" not in body
    assert timezone.get_current_timezone_name() == "Asia/Ho_Chi_Minh"
