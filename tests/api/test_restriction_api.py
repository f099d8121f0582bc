"""Issue 28 §3 for other systems: while a customer's processing is restricted, the consent
lookup answers their consents as not usable (the same shape, nothing given) and no
consent.changed event goes out; lifting it restores the answer."""

import pytest

from api.models import WebhookEvent
from api.services.webhooks import webhook_subscription_create
from customers.core.roles import Role
from customers.records.restriction import customer_restrict, customer_restriction_lift
from demo.factories import CustomerFactory
from tests.api.conftest import grant, withdraw

pytestmark = pytest.mark.django_db

LOOKUP = "/api/v1/consents/lookup/"


def granted(call, key):
    body = call(key, "post", LOOKUP, {"email": "han.che@example.vn"}).json()
    assert set(body) == {"schema_version", "consents"}
    return [c["purpose_id"] for c in body["consents"]]


def test_the_lookup_answers_nothing_usable_while_restricted(
    make_client, call, purposes, staff_user
):
    dpo = staff_user(role=Role.DPO.value)
    customer = CustomerFactory(email="han.che@example.vn")
    grant(customer, purposes["marketing_email"])
    grant(customer, purposes["marketing_sms"])
    key = make_client("consent:read").key
    assert granted(call, key) == ["marketing_email", "marketing_sms"]

    customer_restrict(
        customer=customer, actor=dpo, reason="Hạn chế", purpose=purposes["marketing_sms"]
    )
    assert granted(call, key) == ["marketing_email"]
    customer_restrict(customer=customer, actor=dpo, reason="Hạn chế toàn bộ")
    assert granted(call, key) == []

    customer_restriction_lift(customer=customer, actor=dpo, reason="Khách rút yêu cầu")
    assert granted(call, key) == ["marketing_email"]
    customer_restriction_lift(
        customer=customer, actor=dpo, reason="Khách rút yêu cầu", purpose=purposes["marketing_sms"]
    )
    assert granted(call, key) == ["marketing_email", "marketing_sms"]


def events(customer):
    return list(
        WebhookEvent.objects.filter(customer_id=customer.pk)
        .order_by("created_at", "pk")
        .values_list("data__purpose_id", "data__event_state")
    )


def test_no_consent_is_announced_as_given_while_restricted(make_client, purposes, staff_user):
    """A withdrawal still goes out (it only narrows what others may do); a grant waits until
    the restriction is lifted, and is announced then."""
    dpo = staff_user(role=Role.DPO.value)
    webhook_subscription_create(
        client=make_client().client,
        url="https://crm.example.vn/hook",
        events=["consent.changed"],
        actor=None,
    )
    customer = CustomerFactory()
    customer_restrict(customer=customer, actor=dpo, reason="Hạn chế toàn bộ")
    grant(customer, purposes["marketing_email"])
    assert events(customer) == []
    withdraw(customer, purposes["marketing_email"])
    grant(customer, purposes["marketing_sms"])
    assert events(customer) == [("marketing_email", "withdrawn")]

    customer_restriction_lift(customer=customer, actor=dpo, reason="Khách rút yêu cầu")
    assert events(customer)[1:] == [("marketing_sms", "given")]

    customer_restrict(
        customer=customer, actor=dpo, reason="Phản đối", purpose=purposes["marketing_sms"]
    )
    grant(customer, purposes["marketing_email"])  # another purpose is still told
    withdraw(customer, purposes["marketing_sms"])
    grant(customer, purposes["marketing_sms"])
    assert events(customer)[2:] == [("marketing_email", "given"), ("marketing_sms", "withdrawn")]
    customer_restriction_lift(
        customer=customer, actor=dpo, reason="Quyết định", purpose=purposes["marketing_sms"]
    )
    assert events(customer)[4:] == [("marketing_sms", "given")]


def test_a_restricted_purpose_is_on_the_suppression_list_as_the_lookup_says(
    make_client, call, purposes, staff_user
):
    """The lookup and the suppression list agree on a restriction of one purpose too."""
    import hashlib
    import hmac

    dpo = staff_user(role=Role.DPO.value)
    customer = CustomerFactory(email="han.che@example.vn")
    grant(customer, purposes["marketing_email"])
    client = make_client("consent:read", "suppression:read", name="mailer")

    def listed():
        salt = client.client.suppression_salt
        mine = hmac.new(bytes.fromhex(salt), b"han.che@example.vn", hashlib.sha256).hexdigest()
        return mine in call(client.key, "get", "/api/v1/suppressions/email/").json()["results"]

    assert granted(call, client.key) == ["marketing_email"] and not listed()
    customer_restrict(
        customer=customer, actor=dpo, reason="Phản đối", purpose=purposes["marketing_email"]
    )
    assert granted(call, client.key) == [] and listed()
