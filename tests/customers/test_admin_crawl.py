"""A crawl of every admin screen, as every role, on seeded data: no value the role may not
see appears in clear, and every response that shows a customer's data wrote an access-log
entry for that customer that claims no field the role did not see.

The URLs come from the admin site itself (every registered admin: list, searches, change,
history, add, its own extra views, every action's first page, autocomplete for every
relation), so a new admin screen is crawled without anyone writing a new test.
"""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import URLPattern, reverse

from customers.core import masking
from customers.core.roles import Role
from customers.models import AccessLogEntry, Customer
from customers.requests.services import request_open
from demo.factories import AccountingDocumentFactory, CustomerFactory, ServiceFactory
from tests.conftest import login_staff

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

STANDARD = {"changelist", "add", "history", "delete", "change", "autocomplete"}
PERSONAL = [f.name for f in masking.CUSTOMER_FIELDS]


def _values(tag):
    """Distinctive values, so that a value in a page can only be this customer's."""
    return {
        "full_name": f"Quách Thị {tag}ngọc",
        "contact_person": f"Âu Dương {tag}phong",
        "email": f"{tag.lower()}.mat@kinmat.vn",
        "phone_mobile": {"A": "0912 111 201", "B": "0912 222 302", "C": "0912 333 403"}[tag],
        "phone_home": {"A": "024 3811 1101", "B": "024 3822 2202", "C": "024 3833 3303"}[tag],
        "address_home": f"Số {tag}7 ngõ Kín, Hà Nội",
        "address_office": f"Tầng {tag}9 tòa Bí Mật",
        "notes": f"Ghi chú riêng {tag}xyz",
    }


@pytest.fixture
def people(seeded):
    """A: individual with an active service; B: business with an active service, invoices and
    requests; C: an unconfirmed web registration with no service."""
    a = CustomerFactory(**_values("A"))
    ServiceFactory(customer=a)
    b = CustomerFactory(
        business=True,
        business_name="Công ty Kín Bưng Bê",
        tax_code="0312345675",
        **_values("B"),
    )
    ServiceFactory(customer=b)
    AccountingDocumentFactory(customer=b)
    request_open(customer=b, kind="correction", details="sửa", proposed_changes={"notes": "x"})
    request_open(customer=b, kind="complaint", complaint_category="leak", details="lộ")
    c = CustomerFactory(source=Customer.Source.WEB_FORM, contact_confirmed_at=None, **_values("C"))
    return [a, b, c]


def _phone_forms(value):
    digits = re.sub(r"\D", "", value)
    return {value, digits, "+84" + digits[1:]}


def _shown(body, customer):
    """The customer's personal fields whose value appears in clear in ``body``."""
    shown = set()
    for field in PERSONAL:
        value = getattr(customer, field) or ""
        if not value:
            continue
        forms = _phone_forms(value) if field.startswith("phone") else {value}
        if any(form in body for form in forms):
            shown.add(field)
    return shown


def _urls(people):
    """(method, url, data) for every screen of every registered admin."""
    ids = {c.pk for c in people}
    searches = [people[0].email, people[1].phone_mobile, "Quách Thị", people[1].tax_code]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        changelist = reverse(f"{base}_changelist")
        yield "get", changelist, None
        if model_admin.search_fields or model is Customer:
            for term in searches:
                yield "get", changelist, {"q": term}
        yield "get", reverse(f"{base}_add"), None
        objects = list(model._default_manager.order_by("-pk")[:4])
        if issubclass(model, Customer):
            objects = [o for o in objects if o.pk in ids] + list(
                model._default_manager.filter(pk__in=ids)
            )
        for obj in objects:
            yield "get", reverse(f"{base}_change", args=[obj.pk]), None
            yield "get", reverse(f"{base}_history", args=[obj.pk]), None
            for pattern in model_admin.get_urls():
                if not isinstance(pattern, URLPattern) or not pattern.name:
                    continue
                if pattern.name.rsplit("_", 1)[-1] in STANDARD:
                    continue
                route = str(pattern.pattern)
                for field in ("email", "address_home"):
                    url = f"/admin/{opts.app_label}/{opts.model_name}/" + re.sub(
                        r"<(int|path|str):(\w+)>",
                        lambda m, obj=obj, field=field: (
                            str(obj.pk) if m.group(2) == "object_id" else field
                        ),
                        route,
                    )
                    yield "get", url, None
        selected = [o.pk for o in objects]
        if selected:
            for name in model_admin.get_actions(_FakeRequest.superuser()) or {}:
                yield "post", changelist, {"action": name, ACTION_CHECKBOX_NAME: selected}
        for field in opts.get_fields():
            if field.many_to_one and field.related_model in admin.site._registry:
                yield (
                    "get",
                    reverse("admin:autocomplete"),
                    {
                        "app_label": opts.app_label,
                        "model_name": opts.model_name,
                        "field_name": field.name,
                        "term": "Qu",
                    },
                )


class _FakeRequest:
    """Enough of a request for ``get_actions`` to list every action a superuser has."""

    GET = {}
    POST = {}

    @classmethod
    def superuser(cls):
        from django.contrib.auth import get_user_model

        request = cls()
        request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
        return request


# Actions that only do something at once (no page of their own) are crawled too: what they
# answer is a redirect, which shows nothing.
ROLES = [Role.BOARD, Role.SALES, Role.CUSTOMER_CARE, Role.TECH_SUPPORT, Role.ACCOUNTING, Role.DPO]


# Every company preset (issue 29): a preset's role × field table is what the crawl holds
# each role to (Khôi Ngô: technical support and accounting see no customer field).
PRESETS = [None, "nos", "mmgroup", "vanshuthong", "bizfly", "khoingo"]


@pytest.mark.parametrize("preset", PRESETS, ids=[p or "default" for p in PRESETS])
@pytest.mark.parametrize("role", ROLES, ids=[r.name for r in ROLES])
def test_every_admin_screen_shows_only_what_the_role_may_see_and_logs_it(
    role, preset, people, client, staff_user
):
    if preset:
        from customers.company.services import company_preset_apply

        company_preset_apply(name=preset, actor=None)
    user = staff_user(role)
    login_staff(client, user)
    visible = {c.pk: masking.visible_fields(user, c) for c in people}
    if preset == "khoingo" and role in (Role.TECH_SUPPORT, Role.ACCOUNTING):
        assert visible == {c.pk: frozenset() for c in people}
    in_scope = {c.pk: masking.in_scope(user, c) for c in people}
    crawled = 0
    for method, url, data in list(_urls(people)):
        before = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = getattr(client, method)(url, data or {})
        if response.status_code != 200:
            continue  # a refusal, a redirect or a download form posted without its reason
        crawled += 1
        body = response.content.decode()
        if data and data.get("q"):
            # What the staff member typed is echoed in the search box: not data shown.
            body = body.replace(data["q"], "")
        new = list(AccessLogEntry.objects.filter(pk__gt=before))
        where = f"{role.name} {method.upper()} {url} {data or ''}"
        for customer in Customer.objects.filter(pk__in=[c.pk for c in people]):
            shown = _shown(body, customer)
            if not shown:
                continue
            assert in_scope[customer.pk], f"{where}: out-of-scope customer shown {shown}"
            hidden = shown - visible[customer.pk]
            assert not hidden, f"{where}: masked fields shown in clear: {hidden}"
            entries = [e for e in new if customer.pk in e.customer_ids]
            assert entries, f"{where}: showed {shown} of #{customer.pk} and logged nothing"
        for entry in new:
            claimed = set(entry.fields) & set(PERSONAL)
            allowed = set().union(*(visible.get(i, set()) for i in entry.customer_ids))
            assert claimed <= allowed, f"{where}: logged {claimed - allowed}, never shown"
    assert crawled > 20


def test_the_customer_page_logs_exactly_the_fields_it_showed(people, client, staff_user):
    user = staff_user(Role.ACCOUNTING)
    login_staff(client, user)
    business = people[1]
    before = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(reverse("admin:customers_customer_change", args=[business.pk]))
    (entry,) = AccessLogEntry.objects.filter(pk__gt=before)
    body = response.content.decode()
    assert entry.customer_ids == [business.pk]
    shown = _shown(body, business)
    assert set(entry.fields) == shown == {"business_name", "tax_code", "address_office"}
    # The person behind the business is masked like its contact person.
    assert business.full_name not in body and business.contact_person not in body
