"""Deletion notices go only to customers who will actually be erased that day and say what
is kept; every erasure ends with a last message sent from the outbox alone (issue 15, items
2 and 4)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from customers.models import Customer, ErasureCertificate, Message
from customers.retention.erasure import customer_erase
from customers.retention.rules import retention_rules_ensure
from demo.factories import AccountingDocumentFactory, CustomerFactory, WarrantyFactory

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 1, 10, 9, 0, tzinfo=datetime.UTC)
NOTICE_DAY = T0 + datetime.timedelta(days=365 - 29)  # within the 30-day notice window
ERASE_ON = (NOTICE_DAY + datetime.timedelta(days=30)).date()


@pytest.fixture(autouse=True)
def rules(seeded):
    retention_rules_ensure()


def sweep(when, capture):
    with capture(execute=True), time_machine.travel(when, tick=False):
        call_command("run_retention")


def customer(email, **extra):
    with time_machine.travel(T0, tick=False):
        return CustomerFactory(email=email, **extra)


def test_only_customers_who_will_really_be_erased_are_told_and_told_what_is_kept(
    django_capture_on_commit_callbacks, staff_user
):
    plain = customer("plain@example.vn")
    with_invoice = customer("invoice@example.vn")
    with time_machine.travel(T0, tick=False):
        AccountingDocumentFactory(
            customer=with_invoice, number="HD0000042", issued_on=datetime.date(2025, 12, 1)
        )
    held = customer("held@example.vn")
    held.legal_holds.create(reason="Tranh chấp hợp đồng", placed_by=staff_user())
    warranty_past = customer("warranty@example.vn")
    WarrantyFactory(customer=warranty_past, warranty_until=ERASE_ON + datetime.timedelta(days=1))
    warranty_over = customer("warranty-over@example.vn")
    WarrantyFactory(customer=warranty_over, warranty_until=ERASE_ON - datetime.timedelta(days=1))

    sweep(NOTICE_DAY, django_capture_on_commit_callbacks)

    told = {m.to[0]: m for m in mail.outbox}
    assert set(told) == {"plain@example.vn", "invoice@example.vn", "warranty-over@example.vn"}
    assert ERASE_ON.strftime("%d/%m/%Y") in told["plain@example.vn"].body
    assert "không chứa dữ liệu cá nhân" in told["plain@example.vn"].body
    invoice_notice = told["invoice@example.vn"].body
    # What is kept, why, and until when (10-year class, from the end of fiscal year 2025).
    assert "HD0000042" in invoice_notice
    assert "đến ngày 31/12/2035" in invoice_notice
    assert "10 năm" in invoice_notice
    held.refresh_from_db()
    assert held.erasure_notice_sent_at is None  # to be told once nothing blocks any more
    assert plain.pk != held.pk


def test_every_erasure_ends_with_a_last_message_sent_without_the_contact_data(
    django_capture_on_commit_callbacks, staff_user
):
    person = customer("hoa@example.vn", full_name="Nguyễn Thị Hoa")
    with time_machine.travel(T0, tick=False):
        AccountingDocumentFactory(
            customer=person, number="HD0000077", issued_on=datetime.date(2026, 1, 5)
        )
    with django_capture_on_commit_callbacks(execute=True):
        certificate = customer_erase(
            customer=person,
            actor=staff_user(superuser=True),
            trigger=ErasureCertificate.Trigger.STAFF,
            reason="Khách hàng cũ",
        )
    person.refresh_from_db()
    assert person.status == Customer.Status.ERASED and person.email == ""

    [last] = mail.outbox
    assert last.to == ["hoa@example.vn"]
    reference = f"XOA-{timezone.localdate(certificate.erased_at):%Y%m%d}-{person.pk}"
    assert reference in last.body
    assert "HD0000077" in last.body and "đến ngày 31/12/2036" in last.body
    assert "baomat@antam.example.vn" in last.body  # whom to contact
    assert "Nguyễn Thị Hoa" not in last.body  # written for no one but the address

    # Sent from the outbox alone; afterwards the address is forgotten there too.
    row = Message.objects.get(purpose="erasure")
    assert row.status == Message.Status.SENT
    assert row.customer is None and row.recipient == ""
    assert not Message.objects.filter(customer=person).exists()


def test_the_last_message_waits_in_the_outbox_if_the_broker_is_down_and_still_goes_out(
    django_capture_on_commit_callbacks, staff_user, settings
):
    from customers.messaging.services import messages_resend_stuck

    person = customer("lan@example.vn")
    customer_erase(
        customer=person, actor=staff_user(superuser=True), trigger="staff", reason="Quyết định"
    )  # on_commit callbacks not run: the send never reached the broker
    assert mail.outbox == []
    settings.MESSAGE_RESEND_AFTER = 0
    with django_capture_on_commit_callbacks(execute=True):
        messages_resend_stuck()
    assert [m.to for m in mail.outbox] == [["lan@example.vn"]]
    assert Message.objects.get(purpose="erasure").recipient == ""
