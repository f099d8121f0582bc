"""The DPO manages other systems' keys and sees webhook deliveries in the admin."""

import re

import pytest
from django.contrib.messages import get_messages

from api.models import ApiClient, WebhookDelivery, WebhookSubscription
from api.services.webhooks import webhook_subscription_create
from customers.core.roles import Role
from demo.factories import CustomerFactory
from tests.api.conftest import grant

pytestmark = pytest.mark.django_db

LOOKUP = "/api/v1/consents/lookup/"


def test_dpo_creates_a_client_sees_its_key_once_and_revokes_it(staff_client, call, seeded):
    admin = staff_client(role=Role.DPO)
    answer = admin.post(
        "/admin/api/apiclient/add/",
        {
            "name": "crm",
            "description": "Our CRM",
            "scopes": ["consent:read"],
            "rate_per_minute": 60,
        },
        follow=True,
    )
    assert answer.status_code == 200
    shown = [str(m) for m in get_messages(answer.wsgi_request)] or [
        m.message for m in answer.context["messages"]
    ]
    key = re.search(r"(psk_\S+)", " ".join(shown) + answer.content.decode()).group(1)
    client = ApiClient.objects.get(name="crm")
    assert client.scopes == ["consent:read"] and client.created_by.startswith("staff-")
    assert call(key, "post", LOOKUP, {"email": "a@example.vn"}).status_code == 200
    # The key is not on the client's page afterwards.
    assert key not in admin.get(f"/admin/api/apiclient/{client.pk}/change/").content.decode()

    admin.post(
        "/admin/api/apiclient/",
        {"action": "revoke", "_selected_action": [client.pk]},
        follow=True,
    )
    assert ApiClient.objects.get(pk=client.pk).revoked_at is not None
    assert call(key, "post", LOOKUP, {"email": "a@example.vn"}).status_code == 401


def test_a_new_key_replaces_the_old_one(staff_client, call, make_client, seeded):
    admin = staff_client(role=Role.DPO)
    old = make_client("consent:read")
    answer = admin.post(
        "/admin/api/apiclient/",
        {"action": "rotate_key", "_selected_action": [old.client.pk]},
        follow=True,
    )
    key = re.search(r"(psk_[\w-]+)", answer.content.decode()).group(1)
    assert key != old.key
    assert call(old.key, "post", LOOKUP, {"email": "a@example.vn"}).status_code == 401
    assert call(key, "post", LOOKUP, {"email": "a@example.vn"}).status_code == 200


def test_deliveries_and_failures_are_listed_for_the_dpo(
    staff_client, make_client, purposes, django_assert_max_num_queries
):
    subscription = webhook_subscription_create(
        client=make_client(name="crm").client,
        url="https://crm.example.vn/nothing-listens",
        events=["consent.changed"],
        actor=None,
    )
    WebhookSubscription.objects.filter(pk=subscription.pk).update(status="paused")
    for _ in range(10):
        grant(CustomerFactory(), purposes["marketing_email"])
    admin = staff_client(role=Role.DPO)
    # 17: the company's name for the header is read once, then cached (issue 33).
    with django_assert_max_num_queries(17):
        page = admin.get("/admin/api/webhookdelivery/")
    assert page.status_code == 200
    assert page.content.decode().count("crm →") == 10
    assert WebhookDelivery.objects.count() == 10
    assert admin.get("/admin/api/webhooksubscription/").status_code == 200


def test_other_roles_cannot_see_api_clients(staff_client, make_client):
    make_client(name="crm")
    sales = staff_client(role=Role.SALES)
    assert sales.get("/admin/api/apiclient/").status_code == 403
