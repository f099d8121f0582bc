"""Receipts: whatever the channel, a customer who gives or withdraws a consent is told what
was recorded: the purpose, the exact wording, the policy version, the time, the channel, and
a link to manage their consents."""

import pytest
from django.core import mail
from django.db import transaction
from django.test import TestCase
from django.urls import reverse

from customers.consents.models import ConsentEvent, ConsentReceipt, Purpose
from customers.consents.services.ledger import consent_grant, consent_withdraw, consents_grant_many
from customers.consents.tokens import preferences_token, unsubscribe_token
from customers.models import Message
from demo.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def purposes(seeded):
    return {p.code: p for p in Purpose.objects.all()}


@pytest.fixture
def committed():
    """Run what the block commits (the receipt task, then the message it sends)."""
    return lambda: TestCase.captureOnCommitCallbacks(execute=True)


def manage_link(customer):
    """The preference page's link, up to the token's time stamp (which moves each second)."""
    return reverse("consents:preferences", args=[preferences_token(customer)]).split(":")[0]


def receipts_to(address):
    return [m for m in mail.outbox if m.to == [address] and "đồng ý" in m.subject]


def test_registration_is_one_email_confirming_and_listing_both_consents(client, seeded, committed):
    """A new customer gets one email, not two in the same minute: the confirmation link,
    and in it the receipt of each box ticked."""
    from tests.customers.test_collection import confirmation_link, register

    with committed():
        register(client, purpose_marketing_email="on", purpose_marketing_sms="on")
    [email] = [m for m in mail.outbox if m.to == ["hoa.nguyen@example.vn"]]
    assert confirmation_link(email)
    events = ConsentEvent.objects.order_by("id")
    assert events.count() == 2
    for event in events:
        assert event.wording in email.body and event.wording in email.alternatives[0][0]
        assert event.purpose.name_vi in email.body
    assert email.body.count("Đã đồng ý:") == 2
    assert "Phiên bản chính sách bảo mật: 1" in email.body
    assert "Kênh: Biểu mẫu web" in email.body
    assert "biên nhận" in email.body  # keep this message as your receipt
    # Not "ignore this message and nothing more will be sent": consents were recorded.
    assert "bỏ qua thư này" not in email.body and "đừng mở liên kết" in email.body
    customer = events[0].customer
    assert manage_link(customer) in email.body
    confirmation = Message.objects.get(customer=customer)
    assert confirmation.template == "confirm_contact"
    assert set(ConsentReceipt.objects.values_list("message", flat=True)) == {confirmation.pk}
    assert ConsentReceipt.objects.count() == 2


def test_registration_without_a_box_ticked_is_the_confirmation_alone(client, seeded, committed):
    from tests.customers.test_collection import register

    with committed():
        register(client)
    [email] = [m for m in mail.outbox if m.to == ["hoa.nguyen@example.vn"]]
    assert "biên nhận" not in email.body and "Đã đồng ý" not in email.body
    assert "bỏ qua thư này" in email.body  # nothing recorded that a stranger could start
    assert not ConsentReceipt.objects.exists()


def test_preference_page_withdrawal_gets_a_receipt_with_time_and_manage_link(
    client, purposes, committed
):
    customer = CustomerFactory(email="lan@example.vn")
    consent_grant(customer=customer, purpose=purposes["marketing_email"], channel="web_form")
    mail.outbox.clear()
    url = reverse("consents:preferences", args=[preferences_token(customer)])
    with committed():
        client.post(url, {})  # every box unticked: the email consent is withdrawn
    [receipt] = receipts_to("lan@example.vn")
    event = ConsentEvent.objects.get(action="withdrawn")
    assert "Đã rút lại sự đồng ý: " + purposes["marketing_email"].name_vi in receipt.body
    assert event.wording in receipt.body
    from django.utils import timezone

    assert timezone.localtime(event.created_at).strftime("%d/%m/%Y %H:%M") in receipt.body
    assert manage_link(customer) in receipt.body
    html = receipt.alternatives[0][0]
    assert event.wording in html


def test_unsubscribe_link_gets_a_receipt(client, purposes, committed):
    customer = CustomerFactory(email="lan@example.vn", preferred_language="en")
    consent_grant(customer=customer, purpose=purposes["marketing_email"], channel="web_form")
    url = reverse("consents:unsubscribe", args=[unsubscribe_token(customer, "marketing_email")])
    with committed():
        client.post(url)
    [receipt] = [m for m in mail.outbox if m.subject == "Your consent choices were recorded"]
    assert "Consent withdrawn: " + purposes["marketing_email"].name_en in receipt.body
    assert "Channel: Unsubscribe link" in receipt.body


def test_phone_intake_by_staff_gets_a_receipt_in_the_wording_read_out(purposes, committed):
    customer = CustomerFactory(email="lan@example.vn")
    with committed():
        consents_grant_many(
            customer=customer,
            purposes=[purposes["marketing_phone"]],
            channel=ConsentEvent.Channel.PHONE,
            language="vi",
            call_reference="CALL-1",
        )
    [receipt] = receipts_to("lan@example.vn")
    assert purposes["marketing_phone"].description_vi in receipt.body
    assert "CALL-1" not in receipt.body


def test_a_consent_recorded_by_another_system_gets_a_receipt(purposes, committed):
    from rest_framework.test import APIClient

    from api.services.clients import api_client_create

    customer = CustomerFactory(email="lan@example.vn")
    key = api_client_create(name="cc", scopes=["consent:write"], actor="test").key
    with committed():
        answer = APIClient().post(
            "/api/v1/consents/",
            {
                "email": "lan@example.vn",
                "purpose": "marketing_phone",
                "granted": True,
                "wording": purposes["marketing_phone"].description_vi,
                "language": "vi",
                "channel": "phone",
            },
            format="json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
    assert answer.status_code == 202  # accepted (issue 31, finding 10)
    [receipt] = receipts_to("lan@example.vn")
    assert "Hệ thống khác (API)" in receipt.body
    del customer


def test_a_customer_with_only_a_mobile_gets_an_sms_receipt(purposes, committed):
    customer = CustomerFactory(email="", phone_mobile="0912345678")
    with committed():
        consent_grant(customer=customer, purpose=purposes["marketing_sms"], channel="phone")
    message = Message.objects.get(customer=customer)
    assert message.channel == Message.Channel.SMS and message.template == "consent_receipt_sms"
    assert message.purpose == "service"


def test_repeats_and_rollbacks_send_no_receipt(purposes, committed):
    customer = CustomerFactory(email="lan@example.vn")
    with committed():
        consent_grant(customer=customer, purpose=purposes["marketing_email"], channel="web_form")
    with committed():
        consent_grant(customer=customer, purpose=purposes["marketing_email"], channel="web_form")
        consent_withdraw(customer=customer, purpose=purposes["marketing_sms"], channel="web_form")
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        consent_withdraw(customer=customer, purpose=purposes["marketing_email"], channel="web_form")
        raise RuntimeError("the request failed")
    assert len(receipts_to("lan@example.vn")) == 1
    # A task that runs twice sends nothing the second time.
    from customers.messaging.receipts import consent_receipts_send

    assert consent_receipts_send(customer_id=customer.pk) is None


def test_the_my_data_copy_names_consent_records_as_iso_27560_does(purposes):
    from customers.requests.data_copy import customer_copy

    customer = CustomerFactory()
    event = consent_grant(
        customer=customer, purpose=purposes["marketing_email"], channel="web_form"
    )
    copy = customer_copy(customer)
    assert copy["consent_record_schema"] == "ISO/IEC TS 27560:2023"
    [record] = copy["consent_history"]
    assert record["record_id"] == event.pk
    assert record["purpose_id"] == "marketing_email"
    assert record["event_state"] == "given"
    assert record["notice_id"] == "privacy-policy-v1"
    assert record["notice_text"] == event.wording
    assert record["collection_method"] == "web_form"
    assert record["lawful_basis"] == "consent"
    assert record["purpose"] == "marketing_email"  # the copy's older key stays as it was


def test_a_receipt_whose_task_never_ran_is_sent_by_the_sweep(purposes):
    import time_machine
    from django.utils import timezone

    from customers.messaging.receipts import consent_receipts_sweep

    customer = CustomerFactory(email="lan@example.vn")
    consent_grant(customer=customer, purpose=purposes["marketing_email"], channel="web_form")
    # (the test transaction never commits: the receipt's task never ran, as with Redis down)
    assert consent_receipts_sweep() == 0  # too recent: its task may still be on the way
    with (
        time_machine.travel(timezone.now() + timezone.timedelta(minutes=5)),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        assert consent_receipts_sweep() == 1
    assert len(receipts_to("lan@example.vn")) == 1
    assert consent_receipts_sweep() == 0
