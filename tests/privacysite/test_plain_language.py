"""Every public page and every admin page, for every staff role, in Vietnamese: what people
read holds no code, field name, raw JSON, "None" or English word (tests/privacysite/
plain_language.py says which)."""

import pytest
from django.contrib import admin
from django.test import TestCase
from django.urls import reverse

from customers.core.roles import Role
from tests.conftest import login_staff
from tests.privacysite.plain_language import demo_data, problems, visible_text

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/", "/register/", "/register/done/", "/service-request/", "/service-request/done/",
    "/references/", "/my-data/", "/privacy/", "/privacy/v1/", "/cookies/",
]  # fmt: skip
ROLES = [None, *[role.value for role in Role]]


def admin_pages(client):
    """The admin index and, per model this person may see, the list, the first few records
    and the add form."""
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = client.session and _user(client)
    yield "/admin/"
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_or_change_permission(request):
            continue
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        yield reverse(f"{base}_changelist")
        for pk in model_admin.get_queryset(request).values_list("pk", flat=True)[:3]:
            yield reverse(f"{base}_change", args=[pk])
        if model_admin.has_add_permission(request):
            yield reverse(f"{base}_add")


def _user(client):
    from django.contrib.auth import SESSION_KEY, get_user_model

    return get_user_model().objects.get(pk=client.session[SESSION_KEY])


def check(client, url, found):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if "html" not in response.get("Content-Type", ""):
        return
    from customers.consents.models import Cookie

    cookies = Cookie.objects.values_list("name", flat=True)
    for problem in problems(visible_text(response.content.decode()), cookies):
        found.setdefault(problem, url)


def test_public_pages_speak_plainly(client, seeded, settings):
    demo_data(settings)
    found = {}
    for url in PUBLIC:
        check(client, url, found)
    assert not found, "\n".join(f"{url}: {p}" for p, url in sorted(found.items()))


def test_a_customers_data_page_and_emails_speak_plainly(client, seeded, settings):
    """The customer's own page (after a correction was applied) and every email sent."""
    from customers.models import Message
    from customers.requests import my_data

    with TestCase.captureOnCommitCallbacks(execute=True):  # the worker renders and sends
        customer = demo_data(settings)
    response = client.post(reverse("customers:my_data_open", args=[my_data.link_token(customer)]))
    assert response.status_code == 302
    found = {}
    check(client, reverse("customers:my_data_overview"), found)
    sent = [m for m in Message.objects.filter(language="vi") if m.body]
    for message in sent:
        for problem in problems(message.subject + "\n" + message.body):
            found.setdefault(problem, f"email {message.template}")
    answered = [m.body for m in sent if m.template == "request_answered"]
    assert any("Điện thoại di động" in body for body in answered)  # the field, by its label
    assert not found, "\n".join(f"{url}: {p}" for p, url in sorted(found.items()))


# The superuser's and the DPO's crawls see the most pages and take seconds: they are `slow`
# (left out of make test-fast, run by make test); the other roles' stay in the quick loop.
CRAWL = [
    pytest.param(role, marks=pytest.mark.slow) if role in (None, Role.DPO.value) else role
    for role in ROLES
]


@pytest.mark.parametrize("role", CRAWL, ids=lambda r: r or "superuser")
def test_admin_pages_speak_plainly_to_every_role(client, staff_user, seeded, settings, role):
    demo_data(settings)
    user = staff_user(role=role, superuser=role is None, username="nhanvien")
    login_staff(client, user)
    found = {}
    for url in admin_pages(client):
        check(client, url, found)
    assert not found, "\n".join(f"{url}: {p}" for p, url in sorted(found.items()))
