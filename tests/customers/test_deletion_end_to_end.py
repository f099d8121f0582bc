"""Deletion on request, end to end, on PostgreSQL with a real Celery worker on Redis: the
customer asks for a link, proves the address by opening it, asks for deletion; staff record
the identity check and carry it out; the certificate is written, the last message and the
recipients' notices go out from the outbox through the worker (issue 15, item 8)."""

import datetime
import re
import time

import pytest
from django.core import mail
from django.urls import reverse

from customers.core.roles import Role
from customers.models import (
    Customer,
    DataRequest,
    ErasureCertificate,
    Message,
    Recipient,
    RecipientNotice,
)
from customers.requests.services import request_carry_out_deletion, request_transition
from customers.retention.farewell import certificate_reference
from customers.retention.rules import retention_rules_ensure
from customers.sharing.notices import recipient_notices_unconfirmed
from customers.sharing.services import disclosure_record
from demo.factories import AccountingDocumentFactory, CustomerFactory

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def mails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_deletion_on_request_from_the_link_to_the_recipients(
    client, seeded, staff_user, celery_worker, settings
):
    settings.MY_DATA_RATE_LIMIT = "1000/m"
    retention_rules_ensure()  # a transactional test starts from flushed tables
    customer = CustomerFactory(email="thu.pham@example.vn", full_name="Phạm Thị Thu")
    AccountingDocumentFactory(
        customer=customer, number="HD0009001", issued_on=datetime.date(2025, 6, 1)
    )
    dpo = staff_user(role=Role.DPO.value, username="dpo")
    mailer = Recipient.objects.create(
        name="Công ty Gửi Thư",
        kind=Recipient.Kind.PROCESSOR,
        purpose="Gửi email",
        data_categories="họ tên, email",
        confidentiality_commitment=True,
        notice_email="privacy@guithu.example.vn",
    )
    disclosure_record(
        recipient=mailer,
        customer_ids=[customer.pk],
        fields=["full_name", "email"],
        legal_basis="contract",
        actor=dpo,
    )

    # 1. The customer asks for a link; the worker mails it to the address on file.
    client.post(reverse("customers:my_data"), {"email": "thu.pham@example.vn"})
    assert wait_for(lambda: mails_to("thu.pham@example.vn")), "no link was sent"
    link = re.search(r"https?://[^/\s]+(/my-data/open/\S+/)", mail.outbox[-1].body).group(1)

    # 2. Opening it proves the address; the deletion request is filed once.
    client.post(link)  # the button on the page the link opens
    page = client.get(reverse("customers:my_data_delete")).content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("customers:my_data_delete"), {"details": "", "submission_key": key}
    )
    assert response.status_code == 302
    request = DataRequest.objects.get(customer=customer, kind=DataRequest.Kind.DELETION)
    assert wait_for(lambda: len(mails_to("thu.pham@example.vn")) == 2), "not acknowledged"

    # 3. Staff record the identity check, then carry the deletion out.
    request_transition(
        request=request,
        actor=dpo,
        to_status=DataRequest.Status.VERIFIED,
        note="Mở liên kết gửi tới địa chỉ email đã đăng ký",
    )
    request = request_carry_out_deletion(request=request, actor=dpo)
    assert request.status == DataRequest.Status.ERASED  # its effect, not "answered" (issue 28)

    # 4. Erased, with a certificate saying what was kept and why.
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ERASED and customer.email == ""
    certificate = ErasureCertificate.objects.get(customer=customer)
    assert certificate.trigger == ErasureCertificate.Trigger.REQUEST
    assert [k["what"].split()[-1] for k in certificate.kept] == ["HD0009001"]

    # 5. The last message, sent by the worker from the outbox alone.
    assert wait_for(lambda: len(mails_to("thu.pham@example.vn")) == 3), "no last message"
    last = mails_to("thu.pham@example.vn")[-1]
    assert certificate_reference(customer.pk, certificate.erased_at) in last.body
    assert "HD0009001" in last.body and "đến ngày 31/12/2035" in last.body
    assert "Theo yêu cầu của bạn" in last.body

    # 6. The recipient is told to delete, by a deadline; the DPO sees it unanswered.
    assert wait_for(lambda: mails_to("privacy@guithu.example.vn")), "recipient not told"
    assert "thu.pham@example.vn" in mails_to("privacy@guithu.example.vn")[0].body
    notice = RecipientNotice.objects.get()
    assert (notice.recipient, notice.customer_id, notice.kind) == (mailer, customer.pk, "delete")
    assert list(recipient_notices_unconfirmed()) == [notice]

    # Nothing in the outbox still names the customer or where their mail went.
    assert wait_for(
        lambda: (
            not Message.objects.exclude(status=Message.Status.SENT).exists()
            and all(m.recipient == "" for m in Message.objects.filter(customer=None))
        )
    )
    assert not Message.objects.filter(customer=customer).exists()
