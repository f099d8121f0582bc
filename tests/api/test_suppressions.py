"""Suppression lists: who must not be contacted now, as per-client salted hashes."""

import hashlib
import hmac

import pytest
from django.utils import timezone

from customers.models import AccessLogEntry, Customer
from customers.retention.erasure import customer_erase
from demo.factories import CustomerFactory
from tests.api.conftest import grant, withdraw

pytestmark = pytest.mark.django_db


def mine(salt, value):
    """What the other system computes over its own list."""
    return hmac.new(bytes.fromhex(salt), value.encode(), hashlib.sha256).hexdigest()


def test_email_list_holds_everyone_without_a_current_grant_and_no_address(
    make_client, call, purposes
):
    granted = CustomerFactory(email="yes@example.vn")
    grant(granted, purposes["marketing_email"])
    withdrew = CustomerFactory(email="no@example.vn")
    grant(withdrew, purposes["marketing_email"])
    withdraw(withdrew, purposes["marketing_email"])
    never = CustomerFactory(email="Never@Example.vn")
    suspended = CustomerFactory(email="fraud@example.vn", email_suspended_at=timezone.now())
    grant(suspended, purposes["marketing_email"])
    restricted = CustomerFactory(email="restricted@example.vn", status=Customer.Status.RESTRICTED)
    grant(restricted, purposes["marketing_email"])
    CustomerFactory(email="")  # nothing to list

    new = make_client("suppression:read", name="mailer")
    answer = call(new.key, "get", "/api/v1/suppressions/email/")
    assert answer.status_code == 200
    body = answer.json()
    salt = new.client.suppression_salt
    assert body["salt"] == salt and body["next"] is None
    expected = {
        mine(salt, e)
        for e in ["no@example.vn", "never@example.vn", "fraud@example.vn", "restricted@example.vn"]
    }
    assert set(body["results"]) == expected
    assert mine(salt, "yes@example.vn") not in body["results"]
    assert "@" not in answer.content.decode()
    entry = AccessLogEntry.objects.get(actor_label="api:mailer")
    assert set(entry.customer_ids) == {withdrew.pk, never.pk, suspended.pk, restricted.pk}
    assert entry.action == AccessLogEntry.Action.LIST
    del granted


def test_two_clients_get_lists_that_cannot_be_joined(make_client, call, purposes):
    CustomerFactory(email="a@example.vn")
    first = call(make_client("suppression:read").key, "get", "/api/v1/suppressions/email/").json()
    second = call(make_client("suppression:read").key, "get", "/api/v1/suppressions/email/").json()
    assert len(first["results"]) == len(second["results"]) == 1
    assert first["results"] != second["results"]


def test_sms_and_call_lists_use_e164_numbers(make_client, call, purposes):
    texted = CustomerFactory(phone_mobile="0912 345 678", phone_office="024 3825 1234")
    grant(texted, purposes["marketing_sms"])
    CustomerFactory(phone_mobile="0987654321")
    new = make_client("suppression:read")
    salt = new.client.suppression_salt
    sms = call(new.key, "get", "/api/v1/suppressions/sms/").json()["results"]
    assert sms == [mine(salt, "+84987654321")]
    calls = set(call(new.key, "get", "/api/v1/suppressions/call/").json()["results"])
    assert calls == {
        mine(salt, "+84912345678"),
        mine(salt, "+842438251234"),
        mine(salt, "+84987654321"),
    }


def test_pages_follow_next_until_every_customer_is_listed_once(make_client, call, purposes):
    emails = [f"k{i}@example.vn" for i in range(7)]
    for email in emails:
        CustomerFactory(email=email)
    new = make_client("suppression:read")
    url, seen, pages = "/api/v1/suppressions/email/?limit=3", [], 0
    while url:
        body = call(new.key, "get", url).json()
        seen += body["results"]
        url, pages = body["next"], pages + 1
    assert pages == 3
    assert sorted(seen) == sorted(mine(new.client.suppression_salt, e) for e in emails)


def test_erased_customers_leave_the_list(make_client, call, purposes):
    customer = CustomerFactory(email="gone@example.vn")
    new = make_client("suppression:read")
    assert len(call(new.key, "get", "/api/v1/suppressions/email/").json()["results"]) == 1
    customer_erase(customer=customer, actor="test", trigger="request", reason="asked")
    assert call(new.key, "get", "/api/v1/suppressions/email/").json()["results"] == []


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/suppressions/fax/", 404, "unknown-channel"),
        ("/api/v1/suppressions/email/?limit=0", 400, "invalid-input"),
        ("/api/v1/suppressions/email/?after=abc", 400, "invalid-input"),
        ("/api/v1/suppressions/email/?limit=1000000", 400, "invalid-input"),
    ],
)
def test_bad_parameters_are_problems(make_client, call, seeded, path, status, code):
    answer = call(make_client("suppression:read").key, "get", path, lang="en")
    assert answer.status_code == status
    assert answer.json()["type"] == f"urn:privacysite:problem:{code}"


def test_suppression_list_needs_its_scope_a_live_key_and_respects_the_rate(
    make_client, call, seeded
):
    from api.services.clients import api_client_revoke

    assert (
        call(make_client("consent:read").key, "get", "/api/v1/suppressions/email/").status_code
        == 403
    )
    revoked = make_client("suppression:read")
    api_client_revoke(client=revoked.client, actor="test")
    assert call(revoked.key, "get", "/api/v1/suppressions/email/").status_code == 401
    limited = make_client("suppression:read", rate=1)
    codes = [call(limited.key, "get", "/api/v1/suppressions/email/").status_code for _ in range(2)]
    assert codes == [200, 429]
