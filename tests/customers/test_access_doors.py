"""Regression tests for the side doors a review found around the role rules (issue 14)."""

import json

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from customers.core.roles import Role
from customers.models import AccessLogEntry, Customer, Service
from demo.factories import CustomerFactory, ServiceFactory
from tests.conftest import login_staff

pytestmark = pytest.mark.django_db


def _client(client, staff_user, role):
    return login_staff(client, staff_user(role))


def _new_entries(before):
    return list(AccessLogEntry.objects.filter(pk__gt=before))


def _last_pk():
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_unconfirmed_registrations_follow_the_role_rules(client, staff_user, seeded):
    served = CustomerFactory(source=Customer.Source.WEB_FORM, contact_confirmed_at=None)
    ServiceFactory(customer=served)
    unserved = CustomerFactory(
        source=Customer.Source.WEB_FORM, contact_confirmed_at=None, email="khongdv@example.vn"
    )
    url = reverse("admin:customers_unconfirmedregistration_changelist")
    tech = _client(client, staff_user, Role.TECH_SUPPORT)
    listed = {c.pk for c in tech.get(url).context["cl"].result_list}
    assert listed == {served.pk}  # not every unconfirmed customer
    client.logout()
    accounting = _client(client, staff_user, Role.ACCOUNTING)
    before = _last_pk()
    page = accounting.get(
        reverse("admin:customers_unconfirmedregistration_change", args=[unserved.pk])
    )
    body = page.content.decode()
    assert unserved.email not in body and unserved.phone_mobile not in body
    (entry,) = _new_entries(before)
    assert entry.customer_ids == [unserved.pk] and "email" not in entry.fields
    # Viewing is not changing: accounting cannot resend the confirmation email.
    mail.outbox.clear()
    accounting.post(url, {"action": "resend_confirmation", ACTION_CHECKBOX_NAME: [unserved.pk]})
    assert mail.outbox == []


def test_technical_support_cannot_attach_a_service_to_a_customer_outside_its_scope(
    client, staff_user
):
    service = ServiceFactory()
    stranger = CustomerFactory(email="nguoila@example.vn")  # no active service
    tech = _client(client, staff_user, Role.TECH_SUPPORT)
    url = reverse("admin:customers_service_change", args=[service.pk])
    form = tech.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    tech.post(url, {**data, "customer": stranger.pk})
    service.refresh_from_db()
    assert service.customer_id != stranger.pk
    assert (
        stranger.email
        not in tech.get(
            reverse("admin:customers_customer_change", args=[stranger.pk])
        ).content.decode()
    )
    # Nor by creating a service for them.
    tech.post(
        reverse("admin:customers_service_add"),
        {**data, "customer": stranger.pk, "product": "Hosting"},
    )
    assert not Service.objects.filter(customer=stranger).exists()


def test_autocomplete_is_scoped_and_logged(client, staff_user):
    served = CustomerFactory(full_name="Quang Có Dịch Vụ")
    ServiceFactory(customer=served)
    CustomerFactory(full_name="Quang Không Dịch Vụ")
    tech = _client(client, staff_user, Role.TECH_SUPPORT)
    before = _last_pk()
    answer = tech.get(
        reverse("admin:autocomplete"),
        {"app_label": "customers", "model_name": "service", "field_name": "customer", "term": "Qu"},
    )
    names = [r["text"] for r in json.loads(answer.content)["results"]]
    assert names == ["Quang Có Dịch Vụ"]
    (entry,) = _new_entries(before)
    assert entry.action == "search" and entry.customer_ids == [served.pk]


def test_accounting_sees_the_business_not_the_person_behind_it_and_the_log_agrees(
    client, staff_user
):
    business = CustomerFactory(business=True, full_name="Trương Người Đại Diện")
    accounting = _client(client, staff_user, Role.ACCOUNTING)
    before = _last_pk()
    body = accounting.get(
        reverse("admin:customers_customer_change", args=[business.pk])
    ).content.decode()
    assert business.business_name in body
    assert business.full_name not in body and business.contact_person not in body
    (entry,) = _new_entries(before)
    assert set(entry.fields) == {"business_name", "tax_code", "address_office"}


def test_django_change_history_keeps_no_customer_name(rf, staff_user):
    """Django's LogEntry.object_repr is plain text that would outlive an erasure."""
    from django.contrib import admin
    from django.contrib.admin.models import LogEntry

    customer = CustomerFactory(full_name="Tên Không Được Lưu")
    request = rf.post("/")
    request.user = staff_user(Role.CUSTOMER_CARE)
    admin.site._registry[Customer].log_change(request, customer, "notes")
    (entry,) = LogEntry.objects.all()
    assert "Tên Không" not in entry.object_repr and str(customer.pk) in entry.object_repr


def test_a_personal_data_admin_outside_the_choke_point_fails_the_system_check():
    from django.contrib import admin

    from customers.audit.admin_base import PersonalDataAdmin
    from customers.audit.checks import check_personal_data_admins
    from customers.models import Warranty

    site = admin.AdminSite(name="check-test")
    site.register(Warranty, admin.ModelAdmin)  # a plain admin of customer-linked rows
    assert [e.id for e in check_personal_data_admins(site=site)] == ["customers.E002"]

    class FreeChoice(PersonalDataAdmin):
        def formfield_for_foreignkey(self, db_field, request, **kwargs):
            return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)

    site = admin.AdminSite(name="check-test-2")
    site.register(Service, FreeChoice)  # technical support may change services
    assert [e.id for e in check_personal_data_admins(site=site)] == ["customers.E003"]
    assert check_personal_data_admins() == []  # the real site is clean


READ_ONLY_ACTIONS = {"print_form_08"}  # prints what the page already shows; changes nothing


def test_every_admin_action_declares_the_permissions_it_needs(rf, staff_user):
    """An action without ``permissions=`` is offered to every role that can see the list,
    including view-only ones; only actions that change and send nothing may go without."""
    from django.contrib import admin

    request = rf.get("/")
    request.user = staff_user(superuser=True)
    undeclared = [
        f"{model._meta.label}.{name}"
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in ("customers", "consents")  # ours; libraries' are staff-only
        for name, (func, _name, _desc) in model_admin.get_actions(request).items()
        if name not in READ_ONLY_ACTIONS and not getattr(func, "allowed_permissions", None)
    ]
    assert undeclared == []
