"""Services check the actor's role themselves, whatever calls them (admin, command, task):
a staff member whose role lacks the permission is refused and nothing changes."""

import pytest
from django.core.exceptions import PermissionDenied

from customers.audit.services import personal_data_reveal
from customers.core.actors import Actor
from customers.core.roles import Role
from customers.core.spreadsheet import spreadsheet_safe as csv_safe
from customers.models import (
    AccessLogEntry,
    Customer,
    DataRequest,
    DestructionList,
    Disclosure,
    ErasureCertificate,
    Recipient,
)
from customers.records.services import customer_update
from customers.requests.services import request_apply_correction, request_open
from customers.retention.erasure import customer_erase
from customers.retention.services import destruction_approve
from customers.sharing.services import disclosure_record
from demo.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_erasure_refuses_a_role_without_the_erase_permission(staff_user):
    customer = CustomerFactory()
    sales = staff_user(Role.SALES)
    with pytest.raises(PermissionDenied):
        customer_erase(customer=customer, actor=sales, trigger=ErasureCertificate.Trigger.STAFF)
    customer.refresh_from_db()
    assert customer.status != Customer.Status.ERASED
    assert not ErasureCertificate.objects.exists()
    # The data-protection role may, and so may the system's own sweep.
    customer_erase(
        customer=customer, actor=staff_user(Role.DPO), trigger=ErasureCertificate.Trigger.STAFF
    )
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ERASED


def test_destruction_approval_refuses_accounting(staff_user):
    listing = DestructionList.objects.create(document_ids=[], description=[])
    with pytest.raises(PermissionDenied):
        destruction_approve(
            destruction_list=listing, actor=staff_user(Role.ACCOUNTING), council="Hội đồng"
        )
    listing.refresh_from_db()
    assert listing.status == DestructionList.Status.PROPOSED


def test_disclosure_refuses_sales(staff_user):
    customer = CustomerFactory()
    recipient = Recipient.objects.create(name="Nhà cung cấp email", kind=Recipient.Kind.PROCESSOR)
    with pytest.raises(PermissionDenied):
        disclosure_record(
            recipient=recipient,
            customer_ids=[customer.pk],
            fields=["email"],
            legal_basis=Disclosure.Basis.CONTRACT,
            actor=staff_user(Role.SALES),
        )
    assert not Disclosure.objects.exists()
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).exists()


def test_reveal_refuses_a_field_the_role_may_not_reveal(staff_user):
    customer = CustomerFactory(business=True)
    with pytest.raises(PermissionDenied):
        personal_data_reveal(
            customer=customer, field="email", actor=staff_user(Role.ACCOUNTING), reason="kiểm tra"
        )
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.REVEAL).exists()


def test_reveal_refuses_technical_support_outside_its_customers(staff_user):
    customer = CustomerFactory(business=True)  # no active service
    with pytest.raises(PermissionDenied):
        personal_data_reveal(
            customer=customer,
            field="address_home",
            actor=staff_user(Role.TECH_SUPPORT),
            reason="lắp đặt",
        )


def test_correction_refuses_a_role_that_may_not_change_customers(staff_user, seeded):
    customer = CustomerFactory(full_name="Tên Cũ")
    request = request_open(
        customer=customer,
        kind=DataRequest.Kind.CORRECTION,
        details="",
        proposed_changes={"full_name": "Tên Mới"},
    )
    with pytest.raises(PermissionDenied):
        request_apply_correction(request=request, actor=staff_user(Role.DPO))
    customer.refresh_from_db()
    assert customer.full_name == "Tên Cũ"


def test_staff_without_change_permission_cannot_update_a_customer(staff_user):
    customer = CustomerFactory(full_name="Tên Cũ")
    with pytest.raises(PermissionDenied):
        customer_update(
            customer=customer, actor=staff_user(Role.BOARD), data={"full_name": "Tên Mới"}
        )
    customer.refresh_from_db()
    assert customer.full_name == "Tên Cũ"


def test_the_system_and_the_customer_act_without_a_role():
    assert Actor.of(None).can("customers.erase_customer")
    assert Actor.of("customer (web form)").label == "customer (web form)"
    assert Actor.system("retention").label == "system:retention"


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+84 912 345 678", "'+84 912 345 678"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("", ""),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(typed, written):
    assert csv_safe(typed) == written
