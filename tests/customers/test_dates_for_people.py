"""One way of writing dates for people, everywhere a customer reads one: dd/mm/yyyy and HH:MM,
in Vietnam's time, the date before the time. Emails, the customer's pages and the readable copy
are scanned for ISO dates (2026-12-16, 2026-12-06T02:17) and for a time written before its date
("02:18 06/12/2026"); references carry the Vietnamese date."""

import datetime
import re

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from customers.audit.services import access_log
from customers.consents.models import ConsentEvent, Purpose
from customers.consents.services.ledger import consent_record
from customers.core.roles import Role
from customers.models import Customer, Message
from customers.requests import my_data
from customers.requests.services import request_open
from customers.retention.farewell import certificate_reference
from demo.factories import CustomerFactory
from tests.privacysite.plain_language import visible_text

pytestmark = pytest.mark.django_db

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\d{2}:\d{2}(?::\d{2})? \d{1,2}/\d{1,2}/\d{4}")


def iso_dates(text):
    return [text[max(m.start() - 30, 0) : m.end() + 10] for m in ISO.finditer(text)]


def test_the_acknowledgement_email_writes_the_deadline_as_the_page_does(seeded):
    customer = CustomerFactory(kind=Customer.Kind.INDIVIDUAL)
    with TestCase.captureOnCommitCallbacks(execute=True):
        request = request_open(customer=customer, kind="access")
    message = Message.objects.get(template="request_received")
    assert request.deadline.strftime("%d/%m/%Y") in message.body
    assert iso_dates(message.subject + message.body + message.html_body) == []


def test_a_consent_receipt_writes_the_date_then_the_time(seeded):
    customer = CustomerFactory(kind=Customer.Kind.INDIVIDUAL)
    with TestCase.captureOnCommitCallbacks(execute=True):
        event = consent_record(
            customer=customer,
            purpose=Purpose.objects.get(code="marketing_email"),
            granted=True,
            channel=ConsentEvent.Channel.WEB_FORM,
        )
    message = Message.objects.get(template="consent_receipt")
    shown = timezone.localtime(event.created_at).strftime("%d/%m/%Y %H:%M")
    assert shown in message.body
    assert iso_dates(message.body + message.html_body) == []


def test_the_erasure_reference_carries_the_date_in_vietnam(settings):
    # 20:30 UTC on 5 December is 03:30 on 6 December in Vietnam.
    erased_at = datetime.datetime(2026, 12, 5, 20, 30, tzinfo=datetime.UTC)
    assert certificate_reference(46, erased_at) == "XOA-20261206-46"


def test_the_pages_the_copy_and_the_emails_have_no_iso_dates(client, seeded, staff_user):
    customer = CustomerFactory(kind=Customer.Kind.INDIVIDUAL, email="an@example.vn")
    from demo.factories import ServiceFactory, WarrantyFactory

    ServiceFactory(customer=customer)
    WarrantyFactory(customer=customer)
    with TestCase.captureOnCommitCallbacks(execute=True):
        request_open(customer=customer, kind="access")
        consent_record(
            customer=customer,
            purpose=Purpose.objects.get(code="marketing_email"),
            granted=True,
            channel=ConsentEvent.Channel.WEB_FORM,
        )
    care = staff_user(role=Role.CUSTOMER_CARE.value, username="cskh")
    access_log(actor=care, action="view", customers=[customer], fields=["phone_mobile"])
    client.post(reverse("customers:my_data_open", args=[my_data.link_token(customer)]))
    found = []
    for name in ("my_data_overview", "my_data_html", "my_data_correct"):
        html = client.get(reverse(f"customers:{name}")).content.decode()
        found += [f"{name}: {d}" for d in iso_dates(visible_text(html))]
    sent = [m for m in Message.objects.all() if m.body]
    for message in sent:
        found += [f"{message.template}: {d}" for d in iso_dates(message.subject + message.body)]
    assert len(sent) >= 2
    assert found == []


def test_staff_who_looked_are_shown_by_role_purpose_and_day_grouped(
    client, seeded, staff_user, settings
):
    customer = CustomerFactory(kind=Customer.Kind.INDIVIDUAL)
    care = staff_user(role=Role.CUSTOMER_CARE.value, username="cskh")
    for _ in range(38):
        access_log(actor=care, action="view", customers=[customer], fields=["phone_mobile"])
    client.post(reverse("customers:my_data_open", args=[my_data.link_token(customer)]))
    text = visible_text(client.get(reverse("customers:my_data_overview")).content.decode())
    assert "cskh" not in text
    section = text.split("Nhân viên đã xem dữ liệu của bạn")[1]
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert "Chăm sóc khách hàng" in section
    assert section.count(today) == 1  # one line for the day, not 38
    assert "38" in section
