"""Webhooks: written with the change, signed, delivered at least once by a real worker."""

import time

import pytest
from django.core import mail
from django.db import transaction

from api.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from api.services.webhooks import webhook_subscription_create, webhook_subscription_resume
from customers.retention.erasure import customer_erase
from demo.factories import CustomerFactory
from tests.api.conftest import grant, withdraw
from tests.api.receiver import Receiver

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(autouse=True)
def local_receivers(settings):
    """The receivers listen on 127.0.0.1 over http: the development settings."""
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def receiver():
    receivers = []

    def make(**kwargs):
        receivers.append(Receiver(**kwargs))
        return receivers[-1]

    yield make
    for r in receivers:
        r.close()


def subscribe(client, url, events=("consent.changed", "customer.erased")):
    return webhook_subscription_create(client=client, url=url, events=events, actor=None)


def test_a_consent_change_reaches_the_subscriber_signed_with_ids_and_purposes_only(
    celery_worker, make_client, purposes, receiver
):
    new = make_client("consent:read", name="crm")
    hook = receiver()
    subscription = subscribe(new.client, hook.url)
    hook.secret = subscription.secret
    customer = CustomerFactory(
        email="lan.tran@example.vn", full_name="Trần Thị Lan", phone_mobile="0912345678"
    )
    with transaction.atomic():
        event = grant(customer, purposes["marketing_email"])

    assert wait_for(lambda: hook.received), "nothing was delivered"
    event_id, body, signed = hook.received[0]
    assert signed, "the signature did not verify"
    assert body["id"] == event_id and body["type"] == "consent.changed"
    data = body["data"]
    assert data["customer_id"] == customer.pk and data["record_id"] == event.pk
    assert data["purpose_id"] == "marketing_email" and data["event_state"] == "given"
    assert data["notice_id"] == "privacy-policy-v1"
    from api.selectors import identifier_hash

    salt = new.client.suppression_salt
    assert data["subject_hashes"]["email"] == identifier_hash(salt, "email", "lan.tran@example.vn")
    raw = str(body)
    for personal in ("lan.tran", "Trần", "0912345678", "+84912345678"):
        assert personal not in raw
    assert wait_for(
        lambda: WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED
    )
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 1 and delivery.last_status_code == 200


def test_failures_are_retried_with_backoff_and_the_same_event_id(
    celery_worker, make_client, purposes, receiver, settings
):
    settings.WEBHOOK_BACKOFF_SECONDS = 0.3
    hook = receiver(answers=[500, 503])
    subscription = subscribe(make_client().client, hook.url, ["consent.changed"])
    hook.secret = subscription.secret
    customer = CustomerFactory()
    with transaction.atomic():
        grant(customer, purposes["marketing_sms"])

    assert wait_for(lambda: len(hook.received) == 3), f"got {len(hook.received)} calls"
    assert len({event_id for event_id, _, _ in hook.received}) == 1
    assert all(signed for _, _, signed in hook.received)
    assert wait_for(
        lambda: WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED
    )
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 3
    assert WebhookSubscription.objects.get().consecutive_failures == 0


def test_a_rolled_back_consent_announces_nothing(celery_worker, make_client, purposes, receiver):
    hook = receiver()
    subscribe(make_client().client, hook.url)
    customer = CustomerFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        grant(customer, purposes["marketing_email"])
        raise RuntimeError("the request failed")
    time.sleep(1)
    assert hook.received == [] and not WebhookEvent.objects.exists()


def test_erasure_is_announced_with_hashes_read_before_the_wipe(make_client, purposes, receiver):
    new = make_client()
    hook = receiver()
    subscription = subscribe(new.client, hook.url, ["customer.erased"])
    hook.secret = subscription.secret
    customer = CustomerFactory(email="gone@example.vn")
    grant(customer, purposes["marketing_email"])  # not subscribed: no event
    customer_erase(customer=customer, actor="test", trigger="staff", reason="asked")
    # (tasks run in-process here; the worker is proven above)
    assert [body["type"] for _, body, _ in hook.received] == ["customer.erased"]
    data = hook.received[0][1]["data"]
    from api.selectors import identifier_hash

    assert data["customer_id"] == customer.pk
    assert data["subject_hashes"]["email"] == identifier_hash(
        new.client.suppression_salt, "email", "gone@example.vn"
    )


def test_a_subscriber_that_keeps_failing_is_paused_the_dpo_told_and_resumed_later(
    make_client, purposes, receiver, settings
):
    settings.WEBHOOK_PAUSE_AFTER_FAILURES = 3
    settings.WEBHOOK_BACKOFF_SECONDS = 0
    settings.DPO = {**settings.DPO, "email": "dpo@example.vn"}
    hook = receiver(answers=[500] * 50)
    subscription = subscribe(make_client(name="crm").client, hook.url, ["consent.changed"])
    hook.secret = subscription.secret
    customer = CustomerFactory()
    grant(customer, purposes["marketing_email"])
    withdraw(customer, purposes["marketing_email"])

    subscription.refresh_from_db()
    assert subscription.status == WebhookSubscription.Status.PAUSED
    assert len(hook.received) == 3  # no more calls once paused
    assert WebhookDelivery.objects.filter(status="pending").count() == 2
    [dpo_mail] = [m for m in mail.outbox if m.to == ["dpo@example.vn"]]
    assert dpo_mail.to == ["dpo@example.vn"] and "crm" in dpo_mail.body

    hook.answers = []
    assert webhook_subscription_resume(subscription=subscription, actor="test") == 2
    assert WebhookDelivery.objects.filter(status="delivered").count() == 2
    states = [body["data"]["event_state"] for _, body, _ in hook.received[3:]]
    assert sorted(states) == ["given", "withdrawn"]


def test_revoked_clients_and_unsubscribed_events_get_nothing(make_client, purposes, receiver):
    from api.services.clients import api_client_revoke

    hook = receiver()
    revoked = make_client()
    subscribe(revoked.client, hook.url)
    api_client_revoke(client=revoked.client, actor="test")
    subscribe(make_client().client, hook.url, ["customer.erased"])
    grant(CustomerFactory(), purposes["marketing_email"])
    assert hook.received == [] and not WebhookDelivery.objects.exists()
