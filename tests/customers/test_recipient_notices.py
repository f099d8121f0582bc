"""Erasure and correction reach every recipient in the disclosure register, with a
deadline and a recorded answer; a processor without a confidentiality commitment receives
nothing (issue 15, item 5)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from customers.consents.models import Purpose
from customers.consents.services.ledger import consent_grant
from customers.core.roles import Role
from customers.models import Disclosure, Message, Recipient, RecipientNotice
from customers.records.services import customer_update
from customers.retention.erasure import customer_erase
from customers.sharing import services as disclosures
from demo.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo(staff_user):
    return staff_user(role=Role.DPO.value, username="dpo")


def processor(**extra):
    return Recipient.objects.create(
        name="Công ty Gửi Thư",
        kind="processor",
        purpose="Gửi email",
        data_categories="họ tên, email",
        confidentiality_commitment=True,
        notice_email="privacy@guithu.example.vn",
        **extra,
    )


def share(recipient, customer, fields, dpo, basis="contract"):
    return disclosures.disclosure_record(
        recipient=recipient,
        customer_ids=[customer.pk],
        fields=fields,
        legal_basis=basis,
        actor=dpo,
    )


def test_sharing_with_a_processor_without_a_confidentiality_commitment_is_refused(seeded, dpo):
    unsigned = Recipient.objects.create(
        name="Công ty Chưa Ký", kind="processor", purpose="Lưu trữ", data_categories="email"
    )
    with pytest.raises(disclosures.DisclosureRefused, match="cam kết bảo mật"):
        share(unsigned, CustomerFactory(), ["email"], dpo)
    assert not Disclosure.objects.exists()


def test_an_erasure_tells_every_recipient_to_delete_and_the_dpo_follows_the_answers(
    seeded, dpo, staff_client, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(full_name="Trần Văn Nam", email="nam.tran@example.vn")
    mailer = processor()
    partner = Recipient.objects.create(
        name="Đối tác B", kind="partner", purpose="Giới thiệu", data_categories="họ tên"
    )
    consent_grant(
        customer=customer, purpose=Purpose.objects.get(code="partner_sharing"), channel="web_form"
    )
    share(mailer, customer, ["full_name", "email"], dpo)
    share(partner, customer, ["full_name"], dpo, basis="consent")
    other = CustomerFactory()
    share(mailer, other, ["email"], dpo)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        customer_erase(customer=customer, actor=dpo, trigger="request", reason="Yêu cầu xóa")

    notices = RecipientNotice.objects.order_by("recipient__name")
    assert [(n.recipient, n.customer_id, n.kind) for n in notices] == [
        (mailer, customer.pk, "delete"),
        (partner, customer.pk, "delete"),
    ]
    assert {n.deadline for n in notices} == {timezone.localdate() + datetime.timedelta(days=10)}
    [to_mailer] = [m for m in mail.outbox if m.to == ["privacy@guithu.example.vn"]]
    assert "nam.tran@example.vn" in to_mailer.body  # named as the recipient knows them
    assert "Trần Văn Nam" in to_mailer.body
    # Once sent, the outbox forgets whom it named and where it went.
    sent = Message.objects.get(purpose="recipient_notice")
    assert sent.status == Message.Status.SENT and sent.body == "" and sent.recipient == ""

    admin = staff_client(role=Role.DPO.value, username="dpo-desk")
    listing = admin.get(reverse("admin:customers_recipientnotice_changelist"))
    assert listing.status_code == 200
    assert "Công ty Gửi Thư" in listing.content.decode()
    assert "Đối tác B" in listing.content.decode()

    mailer_notice = notices.get(recipient=mailer)
    page = reverse("admin:customers_recipientnotice_change", args=[mailer_notice.pk])
    response = admin.post(
        page,
        {"confirmation": "Đã xóa ngày 02/12, biên bản GT-118", "sent_at_0": "", "sent_at_1": ""},
    )
    assert response.status_code == 302
    mailer_notice.refresh_from_db()
    assert mailer_notice.confirmed_at is not None
    assert mailer_notice.confirmation.startswith("Đã xóa")
    unanswered = admin.get(reverse("admin:customers_recipientnotice_changelist")).content.decode()
    table = unanswered[unanswered.index('id="result_list"') :]
    table = table[: table.index("</table>")]
    assert "Đối tác B" in table and "Công ty Gửi Thư" not in table


def test_a_correction_tells_only_the_recipients_that_received_the_changed_field(
    seeded, dpo, staff_user, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(phone_mobile="0903 111 222")
    mailer = processor()
    names_only = Recipient.objects.create(
        name="In ấn",
        kind="processor",
        purpose="In thư",
        data_categories="họ tên",
        confidentiality_commitment=True,
    )
    share(mailer, customer, ["full_name", "phone_mobile"], dpo)
    share(names_only, customer, ["full_name"], dpo)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        customer_update(
            customer=customer,
            actor=staff_user(superuser=True),
            data={"phone_mobile": "0903 999 888"},
        )
    notice = RecipientNotice.objects.get()
    assert (notice.recipient, notice.kind, notice.fields) == (mailer, "correct", ["phone_mobile"])
    assert notice.deadline == timezone.localdate() + datetime.timedelta(days=5)
    [message] = [m for m in mail.outbox if m.to == ["privacy@guithu.example.vn"]]
    assert "0903 999 888" in message.body
