"""Every admin list, add and change page renders for a superuser (templates, inlines,
actions), with demo-like data in place."""

import pytest
from django.contrib import admin
from django.urls import reverse

from demo.factories import AccountingDocumentFactory, CustomerFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.slow  # every admin page (in make test, not make test-fast)
def test_every_admin_page_renders(staff_client, seeded):
    customer = CustomerFactory(business=True)
    ServiceFactory(customer=customer)
    AccountingDocumentFactory(customer=customer)
    from customers.requests.services import request_open

    request_open(customer=customer, kind="complaint", complaint_category="leak", details="x")
    client = staff_client(superuser=True)
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        response = client.get(reverse(f"{base}_changelist"))
        assert response.status_code == 200, (opts.label, response.status_code)
        first = model_admin.get_queryset(response.wsgi_request).first()
        if first is not None:
            response = client.get(reverse(f"{base}_change", args=[first.pk]))
            assert response.status_code == 200, (opts.label, "change")
        if model_admin.has_add_permission(response.wsgi_request):
            response = client.get(reverse(f"{base}_add"))
            assert response.status_code == 200, (opts.label, "add")


def test_the_admin_speaks_vietnamese_where_django_ships_no_translation(staff_client, seeded):
    """Django 5.2's Vietnamese admin catalogue lacks some strings; ours supplies them."""
    html = staff_client(superuser=True).get(reverse("admin:customers_customer_changelist"))
    text = html.content.decode()
    for english, vietnamese in (
        ("Skip to main content", "Chuyển đến nội dung chính"),
        ("Show counts", "Hiện số lượng"),
        ("Toggle theme (current theme: auto)", "Đổi giao diện (hiện tại: tự động)"),
    ):
        assert vietnamese in text and english not in text
