"""Issue 28 §3: a restriction takes effect. A customer restricted wholly, or for one purpose,
is left out of campaigns, partner sharing and the references page until it is lifted, and
lifting it restores them. Storage and legal retention go on."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from customers.consents.models import Purpose
from customers.consents.services.ledger import consent_grant
from customers.core.roles import Role
from customers.models import Campaign, Customer, CustomerChange, ProcessingRestriction, Recipient
from customers.outreach import services as communications
from customers.records.restriction import (
    RestrictionReasonMissing,
    customer_restrict,
    customer_restriction_lift,
)
from customers.sharing import services as disclosures
from demo.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def grant(customer, code):
    consent_grant(customer=customer, purpose=Purpose.objects.get(code=code), channel="web_form")


def purpose(code):
    return Purpose.objects.get(code=code)


@pytest.fixture
def dpo(staff_user):
    return staff_user(role=Role.DPO.value)


def campaign(author, code="marketing_email"):
    return Campaign.objects.create(
        purpose=purpose(code),
        subject_vi="Ưu đãi",
        subject_en="Offer",
        body_vi="Giảm giá",
        body_en="Discount",
        created_by=author,
    )


def audience(author, code="marketing_email"):
    return set(communications.campaign_audience(campaign(author, code)))


def share_with_partner(customer, actor):
    partner, _ = Recipient.objects.get_or_create(
        name="Đối tác A", kind="partner", purpose="Giới thiệu", data_categories="họ tên"
    )
    return disclosures.disclosure_record(
        recipient=partner,
        customer_ids=[customer.pk],
        fields=["full_name"],
        legal_basis="consent",
        actor=actor,
    )


def references(client):
    return client.get(reverse("customers:references")).content.decode()


def test_a_restricted_customer_is_skipped_everywhere_and_lifting_restores_them(
    seeded, dpo, staff_user, client
):
    customer = CustomerFactory(business=True, business_name="Công ty Hạn Chế")
    for code in ("marketing_email", "partner_sharing", "reference"):
        grant(customer, code)
    assert customer in audience(dpo)
    assert "Công ty Hạn Chế" in references(client)

    customer_restrict(customer=customer, actor=dpo, reason="Khách yêu cầu hạn chế xử lý")
    customer.refresh_from_db()
    assert customer.status == Customer.Status.RESTRICTED
    assert customer not in audience(dpo)
    with pytest.raises(disclosures.DisclosureRefused):
        share_with_partner(customer, dpo)
    assert "Công ty Hạn Chế" not in references(client)

    customer_restriction_lift(customer=customer, actor=dpo, reason="Khách rút yêu cầu")
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE
    assert customer in audience(dpo)
    assert share_with_partner(customer, dpo).customer_ids == [customer.pk]
    assert "Công ty Hạn Chế" in references(client)


def test_a_purpose_restriction_leaves_the_other_purposes_alone(seeded, dpo, staff_user, client):
    customer = CustomerFactory(business=True, business_name="Công ty Một Phần")
    for code in ("marketing_email", "partner_sharing", "reference"):
        grant(customer, code)
    for code in ("marketing_email", "partner_sharing", "reference"):
        customer_restrict(customer=customer, actor=dpo, reason="Phản đối", purpose=purpose(code))
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE  # only those purposes
    assert customer not in audience(dpo)
    with pytest.raises(disclosures.DisclosureRefused):
        share_with_partner(customer, dpo)
    assert "Công ty Một Phần" not in references(client)

    customer_restriction_lift(
        customer=customer, actor=dpo, reason="Khách đồng ý lại", purpose=purpose("marketing_email")
    )
    assert customer in audience(dpo)
    assert "Công ty Một Phần" not in references(client)  # still restricted for references


def test_a_restricted_customer_gets_no_service_notice_campaign(seeded, dpo, staff_user):
    from demo.factories import ServiceFactory

    customer = CustomerFactory()
    ServiceFactory(customer=customer, product="Hosting", status="active")
    notice = campaign(dpo, "service_notices")
    notice.product = "Hosting"
    notice.save()
    assert customer in set(communications.campaign_audience(notice))
    customer_restrict(customer=customer, actor=dpo, reason="Hạn chế toàn bộ")
    assert customer not in set(communications.campaign_audience(notice))


def test_who_when_and_why_are_kept_and_a_repeat_changes_nothing(seeded, dpo):
    customer = CustomerFactory()
    first = customer_restrict(customer=customer, actor=dpo, reason="Yêu cầu YC-1")
    again = customer_restrict(customer=customer, actor=dpo, reason="Yêu cầu YC-1")
    assert again == first and ProcessingRestriction.objects.count() == 1
    assert (first.started_by, first.reason) == (dpo, "Yêu cầu YC-1") and first.in_force
    lifted = customer_restriction_lift(customer=customer, actor=dpo, reason="Quyết định DPO")
    assert lifted.lifted_by == dpo and lifted.lift_reason == "Quyết định DPO"
    assert customer_restriction_lift(customer=customer, actor=dpo, reason="lần nữa") is None
    history = list(
        CustomerChange.objects.filter(customer=customer).values_list("reason", flat=True)
    )
    assert "Yêu cầu YC-1" in history and "Quyết định DPO" in history


def test_a_reason_is_required_and_a_role_without_the_permission_is_refused(seeded, dpo, staff_user):
    customer, sales = CustomerFactory(), staff_user(role=Role.SALES.value)
    with pytest.raises(RestrictionReasonMissing):
        customer_restrict(customer=customer, actor=dpo, reason="  ")
    with pytest.raises(PermissionDenied):
        customer_restrict(customer=customer, actor=sales, reason="x")
    customer_restrict(customer=customer, actor=dpo, reason="Phản đối")
    with pytest.raises(RestrictionReasonMissing):
        customer_restriction_lift(customer=customer, actor=dpo, reason="")
    with pytest.raises(PermissionDenied):
        customer_restriction_lift(customer=customer, actor=sales, reason="x")
    assert ProcessingRestriction.objects.in_force().count() == 1


def test_those_we_shared_with_are_told_to_only_store_and_then_that_it_is_lifted(
    seeded, dpo, django_capture_on_commit_callbacks
):
    from django.core import mail

    from customers.models import RecipientNotice

    customer = CustomerFactory(full_name="Trần Văn Nam", email="nam.tran@example.vn")
    mailer = Recipient.objects.create(
        name="Công ty Gửi Thư",
        kind="processor",
        purpose="Gửi email",
        data_categories="họ tên, email",
        confidentiality_commitment=True,
        notice_email="privacy@guithu.example.vn",
    )
    disclosures.disclosure_record(
        recipient=mailer,
        customer_ids=[customer.pk],
        fields=["email"],
        legal_basis="contract",
        actor=dpo,
    )
    with django_capture_on_commit_callbacks(execute=True):
        customer_restrict(customer=customer, actor=dpo, reason="Khách yêu cầu")
        customer_restrict(  # a purpose restriction stays with us: nobody else is told
            customer=customer, actor=dpo, reason="Phản đối", purpose=purpose("marketing_email")
        )
    [notice] = RecipientNotice.objects.all()
    assert (notice.recipient, notice.kind, notice.fields) == (mailer, "restrict", ["email"])
    [told] = mail.outbox
    assert "chỉ lưu trữ" in told.subject and "nam.tran@example.vn" in told.body
    assert "chỉ lưu trữ" in told.body
    with django_capture_on_commit_callbacks(execute=True):
        customer_restriction_lift(customer=customer, actor=dpo, reason="Khách rút yêu cầu")
    assert list(RecipientNotice.objects.order_by("pk").values_list("kind", flat=True)) == [
        "restrict",
        "resume",
    ]
    assert "dỡ bỏ" in mail.outbox[-1].subject


def test_a_restriction_after_the_campaign_started_still_keeps_them_out(seeded, dpo):
    from customers.messaging.services import message_queue, message_send
    from customers.models import Message

    customer, other = CustomerFactory(), CustomerFactory()
    for someone in (customer, other):
        grant(someone, "marketing_email")
    sale = campaign(dpo)
    assert (
        communications.campaign_start(
            campaign=sale,
            actor=None,
            confirmation=communications.campaign_preview(campaign=sale, actor=None).confirmation,
        )
        == 2
    )
    queued = message_queue(
        customer=customer, purpose="marketing_email", template="campaign", context={}
    )
    customer_restrict(customer=customer, actor=dpo, reason="Phản đối tiếp thị")
    communications.campaign_batch(campaign_id=sale.pk, customer_ids=[customer.pk, other.pk])
    assert list(Message.objects.filter(campaign=sale).values_list("customer", flat=True)) == [
        other.pk
    ]
    # A message queued before the restriction is held when its turn comes.
    assert message_send(message_id=queued.pk) is False
    queued.refresh_from_db()
    assert (queued.status, queued.status_reason) == ("held", "processing restricted")
