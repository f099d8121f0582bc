"""Webhooks go to public https addresses only, checked at entry and at every delivery; no
redirect is followed; the delivery list shows our words; a revoked client gets nothing more
(issue 31, finding 3). And they are signed as Standard Webhooks libraries verify."""

import base64
import socket

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from standardwebhooks import Webhook, WebhookVerificationError

from api.admin import WebhookSubscriptionForm
from api.models import WebhookDelivery, WebhookSubscription
from api.services import webhook_targets
from api.services.clients import api_client_revoke
from api.services.webhooks import (
    webhook_attempt,
    webhook_subscription_create,
    webhook_subscription_resume,
)
from customers.core.roles import Role
from demo.factories import CustomerFactory
from tests.api.conftest import grant
from tests.api.receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()


@pytest.fixture
def hook():
    receivers = []

    def make(**kwargs):
        receivers.append(Receiver(secret=SECRET, **kwargs))
        return receivers[-1]

    yield make
    for receiver in receivers:
        receiver.close()


@pytest.fixture
def local_receivers(settings):
    """The development settings: http, and a listener on this machine."""
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]


def subscribed(client, url):
    """A subscription row as one entered before these checks (or whose name now resolves
    elsewhere) would be: the delivery must check by itself."""
    return WebhookSubscription.objects.create(
        client=client, url=url, events=["consent.changed"], secret=SECRET
    )


def test_a_delivery_to_a_local_listener_is_refused_and_sent_with_the_development_settings(
    make_client, purposes, hook, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    listener = hook()
    subscribed(make_client().client, listener.url)
    grant(CustomerFactory(), purposes["marketing_email"])
    assert listener.received == [], "the worker posted to 127.0.0.1"
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status_code is None and delivery.attempts == 1
    assert delivery.last_error == "refused"

    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    grant(CustomerFactory(), purposes["marketing_email"])
    assert len(listener.received) == 1 and listener.received[0][2], "not sent, or not signed"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost:5432/",
        "https://localhost/hook",
        "http://[::1]:8080/",
        "https://[::ffff:127.0.0.1]/",
        "ftp://example.com/hook",
        "http://169.254.169.254/latest/meta-data/",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.5/hook",
        "https://192.168.1.1/hook",
        "https://100.64.0.1/hook",
        "https://0.0.0.0/hook",
        "https://224.0.0.1/hook",
        "https://240.0.0.1/hook",
        "https://[fe80::1]/hook",
        "https://[64:ff9b::7f00:1]/hook",
        "https://user:password@crm.example.vn/hook",
        "http://crm.example.vn/hook",  # http only with the development setting
    ],
)
def test_entry_refuses_internal_addresses_and_other_schemes(make_client, url):
    client = make_client().client
    with pytest.raises(ValidationError):
        webhook_subscription_create(client=client, url=url, events=["consent.changed"], actor=None)
    with translation.override("vi"):
        form = WebhookSubscriptionForm(
            data={"client": client.pk, "url": url, "events": ["consent.changed"]}
        )
        assert not form.is_valid()
        [message] = form.errors["url"]
    assert message
    assert not WebhookSubscription.objects.exists()


def test_the_entry_error_is_in_vietnamese(make_client):
    client = make_client().client
    data = {"client": client.pk, "url": "http://127.0.0.1:9/", "events": ["consent.changed"]}
    with translation.override("vi"):
        vi = WebhookSubscriptionForm(data=data).errors["url"][0]
    with translation.override("en"):
        en = WebhookSubscriptionForm(data=data).errors["url"][0]
    assert vi != en and "https://" in vi


def test_entry_accepts_public_https_and_names_not_resolvable_yet(make_client):
    client = make_client().client
    for url in ("https://crm.example.vn/hook", "https://93.184.216.34/hook?x=1"):
        webhook_subscription_create(client=client, url=url, events=["consent.changed"], actor=None)
    assert WebhookSubscription.objects.count() == 2


def test_a_name_that_also_resolves_to_an_internal_address_is_refused(monkeypatch):
    answers = [("93.184.216.34", 443), ("10.0.0.7", 443)]
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ip) for ip in answers],
    )
    with pytest.raises(ValidationError):
        webhook_targets.validate_webhook_url("https://crm.example.vn/hook")
    with pytest.raises(webhook_targets.TargetRefused):
        webhook_targets.post("https://crm.example.vn/hook", b"{}", {}, 1)


def test_the_delivery_connects_to_the_address_it_checked(monkeypatch):
    """DNS rebinding: whatever the name resolves to after the check, the connection goes to
    the address that was checked (never a second lookup)."""
    lookups, connected = [], []

    def getaddrinfo(host, port, *args, **kwargs):
        lookups.append(host)
        ips = ["93.184.216.34", "93.184.216.35"] if len(lookups) == 1 else ["127.0.0.1"]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in ips]

    def create_connection(address, *args, **kwargs):
        connected.append(address)
        raise ConnectionRefusedError

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    with pytest.raises(OSError):
        webhook_targets.post("https://crm.example.vn/hook", b"{}", {}, 1)
    assert connected == [("93.184.216.34", 443), ("93.184.216.35", 443)]
    assert lookups == ["crm.example.vn"]


def test_a_redirect_is_not_followed(make_client, purposes, hook, local_receivers, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    inside = hook()
    outside = hook(redirect_to=inside.url)
    subscribed(make_client().client, outside.url)
    grant(CustomerFactory(), purposes["marketing_email"])
    assert len(outside.received) == 1 and inside.received == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert (delivery.last_status_code, delivery.last_error) == (302, "status")


def test_revoking_a_client_cancels_what_waits_at_once(make_client, purposes, hook, local_receivers):
    listener = hook()
    new = make_client()
    subscription = subscribed(new.client, listener.url)
    # Paused: the delivery waits (as it would between two retries).
    WebhookSubscription.objects.filter(pk=subscription.pk).update(status="paused")
    grant(CustomerFactory(), purposes["marketing_email"])
    WebhookSubscription.objects.filter(pk=subscription.pk).update(status="active")

    api_client_revoke(client=new.client, actor="test")
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.CANCELLED
    assert delivery.last_error == "revoked" and delivery.next_attempt_at is None
    assert webhook_attempt(delivery_id=delivery.pk) is None
    assert webhook_subscription_resume(subscription=subscription, actor="test") == 0
    assert listener.received == []


def test_a_delivery_of_a_client_revoked_elsewhere_is_cancelled_not_sent(
    make_client, purposes, hook, local_receivers
):
    from django.utils import timezone

    from api.models import ApiClient

    listener = hook()
    new = make_client()
    subscription = subscribed(new.client, listener.url)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(status="paused")
    grant(CustomerFactory(), purposes["marketing_email"])
    WebhookSubscription.objects.filter(pk=subscription.pk).update(status="active")
    ApiClient.objects.filter(pk=new.client.pk).update(revoked_at=timezone.now())
    delivery = WebhookDelivery.objects.get()
    assert webhook_attempt(delivery_id=delivery.pk) is None
    assert listener.received == []
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.CANCELLED


def test_the_delivery_list_shows_our_words_never_the_targets(staff_client, make_client, purposes):
    subscription = webhook_subscription_create(
        client=make_client(name="crm").client,
        url="https://crm.example.vn/hook",
        events=["consent.changed"],
        actor=None,
    )
    WebhookSubscription.objects.filter(pk=subscription.pk).update(status="paused")
    grant(CustomerFactory(), purposes["marketing_email"])
    WebhookDelivery.objects.update(last_error="ConnectionRefusedError: port 5432 closed")
    page = staff_client(role=Role.DPO).get("/admin/api/webhookdelivery/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert "ConnectionRefusedError" not in text and "5432" not in text
    delivery = WebhookDelivery.objects.get()
    detail = staff_client(role=Role.DPO, username="dpo2").get(
        f"/admin/api/webhookdelivery/{delivery.pk}/change/"
    )
    assert detail.status_code == 200 and "ConnectionRefusedError" not in detail.content.decode()


def test_deliveries_verify_with_the_standard_webhooks_library(
    make_client, purposes, hook, local_receivers
):
    listener = hook()
    subscription = webhook_subscription_create(
        client=make_client().client, url=listener.url, events=["consent.changed"], actor=None
    )
    assert subscription.secret.startswith("whsec_")
    assert len(base64.b64decode(subscription.secret.removeprefix("whsec_"))) == 32
    listener.secret = subscription.secret
    grant(CustomerFactory(), purposes["marketing_email"])
    [(event_id, body, signed)] = listener.received
    assert signed and body["id"] == event_id
    headers = listener.headers[0]
    assert headers["webhook-signature"].startswith("v1,")
    assert int(headers["webhook-timestamp"]) > 0
    raw = WebhookDelivery.objects.get().body.encode()
    wh = Webhook(subscription.secret)
    assert wh.verify(raw, headers)["id"] == event_id
    with pytest.raises(WebhookVerificationError):
        wh.verify(raw.replace(b"given", b"withdrawn"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(raw, headers)


def test_a_subscription_gets_a_new_secret_shown_once(staff_client, make_client):
    """Subscriptions made before the Standard Webhooks scheme hold a URL-safe secret that
    the libraries cannot read: the DPO gives them a new one."""
    old = WebhookSubscription.objects.create(
        client=make_client().client,
        url="https://crm.example.vn/hook",
        events=["consent.changed"],
        secret="whsec_abc-def_ghi",
    )
    admin = staff_client(role=Role.DPO)
    page = admin.post(
        "/admin/api/webhooksubscription/",
        {"action": "new_secret", "_selected_action": [old.pk]},
        follow=True,
    )
    old.refresh_from_db()
    assert old.secret != "whsec_abc-def_ghi"
    assert len(base64.b64decode(old.secret.removeprefix("whsec_"), validate=True)) == 32
    assert old.secret in page.content.decode()
    assert (
        old.secret
        not in admin.get(f"/admin/api/webhooksubscription/{old.pk}/change/").content.decode()
    )
