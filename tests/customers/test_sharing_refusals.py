"""Issue 28 §6: a legal disclosure goes only through the legal-disclosure flow, and nothing
is shared with a processor whose relationship ended, whatever screen calls the service."""

import datetime

import pytest
from django.utils import timezone

from customers.core.roles import Role
from customers.models import Disclosure, Recipient
from customers.sharing import services as disclosures
from customers.sharing.admin import ShareForm
from demo.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def recipient(kind, **extra):
    return Recipient.objects.create(
        name=f"Bên nhận {kind}",
        kind=kind,
        purpose="Thử",
        data_categories="họ tên",
        confidentiality_commitment=True,
        **extra,
    )


def share(to, actor, basis="contract"):
    return disclosures.disclosure_record(
        recipient=to,
        customer_ids=[CustomerFactory().pk],
        fields=["full_name"],
        legal_basis=basis,
        actor=actor,
    )


def test_an_authority_is_refused_by_the_sharing_service(seeded, staff_user):
    dpo = staff_user(role=Role.DPO.value)
    police = recipient(Recipient.Kind.AUTHORITY)
    with pytest.raises(disclosures.DisclosureRefused) as refused:
        share(police, dpo, basis="legal_obligation")
    assert "yêu cầu cung cấp dữ liệu theo luật" in str(refused.value)
    assert not Disclosure.objects.exists()


def test_an_ended_processor_is_refused(seeded, staff_user):
    dpo = staff_user(role=Role.DPO.value)
    today = timezone.localdate()
    ended = recipient(Recipient.Kind.PROCESSOR, ended_on=today)
    with pytest.raises(disclosures.DisclosureRefused) as refused:
        share(ended, dpo)
    assert "đã chấm dứt" in str(refused.value)
    assert not Disclosure.objects.exists()


def test_a_processor_ending_later_still_receives(seeded, staff_user):
    dpo = staff_user(role=Role.DPO.value)
    ending = recipient(
        Recipient.Kind.PROCESSOR, ended_on=timezone.localdate() + datetime.timedelta(days=30)
    )
    assert share(ending, dpo).recipient == ending


def test_the_admin_form_offers_neither(seeded):
    current = recipient(Recipient.Kind.PROCESSOR)
    recipient(Recipient.Kind.AUTHORITY)
    recipient(Recipient.Kind.PROCESSOR, ended_on=timezone.localdate())
    offered = list(ShareForm().fields["recipient"].queryset)
    assert offered == [current]
