"""Who may do what in the admin, and what each role sees of a customer."""

import re

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from customers.core.roles import Role
from customers.models import AccessLogEntry, Customer
from demo.factories import CustomerFactory, ServiceFactory

pytestmark = pytest.mark.django_db

R = Role
# model -> role -> allowed actions (v view, a add, c change, d delete, e export)
MATRIX = {
    "customers.customer": {
        R.BOARD: "ve",
        R.SALES: "vac",
        R.CUSTOMER_CARE: "vac",
        R.TECH_SUPPORT: "v",
        R.ACCOUNTING: "v",
        R.DPO: "ve",
    },
    "customers.service": {R.BOARD: "v", R.SALES: "vac", R.CUSTOMER_CARE: "v", R.TECH_SUPPORT: "vc"},
    "customers.accountingdocument": {R.BOARD: "v", R.ACCOUNTING: "vac"},
    "customers.submission": {R.DPO: "v"},
    "customers.message": {R.CUSTOMER_CARE: "v", R.DPO: "v"},
    "customers.accesslogentry": {R.DPO: "v"},
    "consents.consentevent": {R.SALES: "v", R.CUSTOMER_CARE: "v", R.DPO: "v"},
    "consents.policyversion": {R.BOARD: "v", R.DPO: "vc"},
}
ROLES = [None, *Role]


def admin_for(label):
    from django.apps import apps

    return admin.site._registry[apps.get_model(label)]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.name if r else "no-role")
@pytest.mark.parametrize("label", list(MATRIX))
def test_role_permission_matrix(staff_user, label, role):
    user = staff_user(role=role.value if role else None)
    request = RequestFactory().get("/")
    request.user = user
    model_admin = admin_for(label)
    allowed = MATRIX[label].get(role, "")
    checks = {
        "v": model_admin.has_view_permission(request),
        "a": model_admin.has_add_permission(request),
        "c": model_admin.has_change_permission(request),
        # Nothing that holds personal data or evidence is deleted from the admin: erasure
        # is a service with its own record.
        "d": model_admin.has_delete_permission(request),
    }
    if label == "customers.customer":
        checks["e"] = model_admin.has_export_permission(request)
    got = "".join(k for k, ok in checks.items() if ok)
    assert got == "".join(k for k in "vacde" if k in allowed and k in checks)


def test_staff_without_a_role_sees_no_customer_data(staff_client):
    client = staff_client(role=None)
    response = client.get(reverse("admin:customers_customer_changelist"))
    assert response.status_code == 403


SECRET = {
    "full_name": "Bùi Thị Thanh Hương",
    "email": "huong.bui@example.vn",
    "phone_mobile": "0912 888 777",
    "tax_code": "0312345673",
    "address_home": "99 Hàng Bạc, Hà Nội",
    "notes": "Khách quen từ 2020",
}
VISIBLE = {
    Role.BOARD: set(SECRET),
    Role.SALES: set(SECRET),
    Role.CUSTOMER_CARE: set(SECRET),
    Role.DPO: set(SECRET),
    Role.TECH_SUPPORT: {"full_name", "email", "phone_mobile"},
    Role.ACCOUNTING: {"full_name", "tax_code", "address_home"},
}


@pytest.fixture
def customer():
    customer = CustomerFactory(business=False, **SECRET)
    ServiceFactory(customer=customer)
    return customer


@pytest.mark.parametrize("role", list(VISIBLE), ids=lambda r: r.name)
def test_each_role_sees_only_its_fields_in_the_html(staff_client, customer, role):
    client = staff_client(role=role.value)
    pages = [
        client.get(reverse("admin:customers_customer_change", args=[customer.pk])),
        client.get(reverse("admin:customers_customer_changelist")),
        client.get(reverse("admin:customers_customer_changelist"), {"q": SECRET["email"]}),
    ]
    for response in pages:
        assert response.status_code == 200
    change_html = pages[0].content.decode()
    for field, value in SECRET.items():
        if field in VISIBLE[role]:
            assert value in change_html, (role, field)
        else:
            assert value not in change_html, (role, field)
    listed = pages[1].content.decode()
    assert (SECRET["email"] in listed) == ("email" in VISIBLE[role])
    assert (SECRET["phone_mobile"] in listed) == ("phone_mobile" in VISIBLE[role])
    # Searching by an email the role cannot see finds nobody: it would say whose it is.
    found = {c.pk for c in pages[2].context["cl"].result_list}
    assert found == ({customer.pk} if "email" in VISIBLE[role] else set())
    if "phone_mobile" not in VISIBLE[role]:
        assert "09•• ••• 777" in pages[1].content.decode()


def test_technical_support_sees_only_customers_with_an_active_service(staff_client, customer):
    without_service = CustomerFactory(full_name="Không Dịch Vụ")
    client = staff_client(role=Role.TECH_SUPPORT.value)
    html = client.get(reverse("admin:customers_customer_changelist")).content.decode()
    assert SECRET["full_name"] in html
    assert "Không Dịch Vụ" not in html
    url = reverse("admin:customers_customer_change", args=[without_service.pk])
    assert client.get(url).status_code == 302  # "does not exist", back to the list


def test_masked_fields_cannot_be_blanked_by_a_role_that_may_edit(staff_client, customer):
    # Sales sees everything; a role that edits but cannot see a field never posts it.
    client = staff_client(role=Role.TECH_SUPPORT.value)
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    client.post(url, {"tax_code": "", "address_home": ""})
    customer.refresh_from_db()
    assert customer.tax_code == SECRET["tax_code"]
    assert customer.address_home == SECRET["address_home"]


def test_reveal_needs_a_reason_and_is_logged(staff_client, customer):
    client = staff_client(role=Role.TECH_SUPPORT.value)
    url = reverse("admin:customers_customer_reveal", args=[customer.pk, "address_home"])
    assert SECRET["address_home"] not in client.get(url).content.decode()
    response = client.post(url, {"reason": "Lắp đặt tại nhà khách hàng, phiếu KT-112"})
    assert SECRET["address_home"] in response.content.decode()
    entry = AccessLogEntry.objects.get(action="reveal")
    assert entry.customer_ids == [customer.pk]
    assert entry.fields == ["address_home"]
    assert entry.reason.startswith("Lắp đặt")
    # The tax code is not revealable for this role.
    forbidden = reverse("admin:customers_customer_reveal", args=[customer.pk, "tax_code"])
    assert client.post(forbidden, {"reason": "x"}).status_code == 403


def test_export_needs_a_reason_is_capped_masked_and_logged(staff_client, customer, monkeypatch):
    client = staff_client(role=Role.BOARD.value)
    url = reverse("admin:customers_customer_changelist")
    selection = {"action": "export_csv", "_selected_action": [customer.pk]}
    response = client.post(url, selection)
    assert "Tại sao bạn cần xuất dữ liệu này?" in response.content.decode()
    assert not AccessLogEntry.objects.filter(action="export").exists()
    response = client.post(url, {**selection, "reason": "Báo cáo quý 4 cho ban giám đốc"})
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode("utf-8-sig")
    assert SECRET["email"] in content
    entry = AccessLogEntry.objects.get(action="export")
    assert entry.reason == "Báo cáo quý 4 cho ban giám đốc"
    assert entry.customer_ids == [customer.pk]

    monkeypatch.setattr("customers.desk.pages.EXPORT_ROW_CAP", 0)
    response = client.post(url, {**selection, "reason": "again"}, follow=True)
    assert "Chỉ được xuất tối đa 0 khách hàng" in response.content.decode()


def test_roles_without_export_cannot_export(staff_client, customer):
    client = staff_client(role=Role.SALES.value)
    response = client.post(
        reverse("admin:customers_customer_changelist"),
        {"action": "export_csv", "_selected_action": [customer.pk], "reason": "x"},
    )
    assert not response.get("Content-Type", "").startswith("text/csv")
    assert not AccessLogEntry.objects.filter(action="export").exists()


def test_every_kind_of_look_leaves_an_access_entry(staff_client, customer):
    client = staff_client(role=Role.CUSTOMER_CARE.value)
    client.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    client.get(reverse("admin:customers_customer_changelist"))
    client.get(reverse("admin:customers_customer_changelist"), {"q": SECRET["email"]})
    entries = {e.action: e for e in AccessLogEntry.objects.all()}
    assert set(entries) == {"view", "list", "search"}
    assert all(e.customer_ids == [customer.pk] for e in entries.values())
    assert entries["view"].actor_label == "staff-Chăm-sóc-khách-hàng"
    assert "email" in entries["view"].fields
    assert entries["view"].ip_address == "127.0.0.1"


def test_html_never_contains_the_ciphertext(staff_client, customer):
    html = (
        staff_client(role=Role.SALES.value)
        .get(reverse("admin:customers_customer_change", args=[customer.pk]))
        .content.decode()
    )
    assert not re.search(r"gAAAAA[\w-]{20,}", html)


def test_customer_queryset_for_superuser_is_not_restricted(staff_client, customer):
    CustomerFactory()
    client = staff_client(superuser=True)
    response = client.get(reverse("admin:customers_customer_changelist"))
    assert len(response.context["cl"].result_list) == Customer.objects.count()
