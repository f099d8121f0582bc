"""Preference page and one-click unsubscribe, reached from links in messages."""

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from customers.consents.models import ConsentEvent, ConsentState, Purpose
from customers.consents.services.ledger import consent_grant
from customers.consents.tokens import preferences_token, unsubscribe_token
from customers.messaging.services import message_queue
from customers.models import Message
from demo.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketing(seeded):
    return Purpose.objects.get(code="marketing_email")


@pytest.fixture
def subscriber(marketing):
    customer = CustomerFactory(email="an@example.vn")
    consent_grant(customer=customer, purpose=marketing, channel="web_form")
    return customer


def state(customer, purpose):
    return ConsentState.objects.get(customer=customer, purpose=purpose).granted


def test_unsubscribe_get_asks_and_post_stops(client, subscriber, marketing):
    url = reverse("consents:unsubscribe", args=[unsubscribe_token(subscriber, "marketing_email")])
    response = client.get(url)
    assert "Dừng nhận các tin này?" in response.content.decode()
    assert state(subscriber, marketing) is True  # a link scanner's GET changes nothing
    response = client.post(url, follow=True)
    assert response.redirect_chain  # redirect after the POST: a reload sends nothing
    assert "bạn sẽ không nhận các tin này nữa" in response.content.decode()
    assert state(subscriber, marketing) is False
    assert client.post(url).status_code == 302  # idempotent
    assert ConsentEvent.objects.filter(action="withdrawn").count() == 1
    assert ConsentEvent.objects.get(action="withdrawn").channel == "unsubscribe"


def test_one_click_post_works_without_csrf_token(subscriber, marketing):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    url = reverse("consents:unsubscribe", args=[unsubscribe_token(subscriber, "marketing_email")])
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert state(subscriber, marketing) is False


def test_unsubscribe_token_is_bound_to_its_customer(client, subscriber, marketing):
    other = CustomerFactory()
    consent_grant(customer=other, purpose=marketing, channel="web_form")
    token = unsubscribe_token(subscriber, "marketing_email")
    # The other customer's payload under this customer's signature.
    payload = unsubscribe_token(other, "marketing_email").split(":", 1)[0]
    forged = payload + ":" + token.split(":", 1)[1]
    assert client.post(reverse("consents:unsubscribe", args=[forged])).status_code == 400
    assert state(other, marketing) is True


def test_unsubscribe_link_expires(client, subscriber, marketing):
    url = reverse("consents:unsubscribe", args=[unsubscribe_token(subscriber, "marketing_email")])
    with time_machine.travel("2028-06-01"):
        response = client.post(url)
    assert response.status_code == 400
    assert "Liên kết đã hết hạn" in response.content.decode()
    assert state(subscriber, marketing) is True


def test_preference_link_cannot_be_used_to_unsubscribe(client, subscriber):
    token = preferences_token(subscriber)
    assert client.post(reverse("consents:unsubscribe", args=[token])).status_code == 400


def test_preference_page_grants_and_withdraws_each_purpose(client, subscriber, marketing):
    url = reverse("consents:preferences", args=[preferences_token(subscriber)])
    html = client.get(url).content.decode()
    assert re.search(r'name="purpose_marketing_email"[^>]*checked', html)
    assert not re.search(r'name="purpose_surveys"[^>]*checked', html)
    client.post(url, {"purpose_surveys": "on"})
    assert state(subscriber, marketing) is False
    assert state(subscriber, Purpose.objects.get(code="surveys")) is True


def test_withdrawal_holds_marketing_messages_already_queued(
    client, subscriber, marketing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = message_queue(
            customer=subscriber,
            purpose="marketing_email",
            template="confirm_contact",
            context={"confirm_url": "https://x", "valid_days": 1},
        )
    url = reverse("consents:unsubscribe", args=[unsubscribe_token(subscriber, "marketing_email")])
    client.post(url)
    for callback in callbacks:
        callback()  # the worker picks the message up after the withdrawal
    message.refresh_from_db()
    assert message.status == Message.Status.HELD
    assert message.status_reason == "consent withdrawn"
    assert mail.outbox == []


def test_marketing_email_carries_one_click_unsubscribe_headers_and_footer(
    subscriber, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message_queue(
            customer=subscriber,
            purpose="marketing_email",
            template="confirm_contact",
            context={"confirm_url": "https://x", "valid_days": 1},
        )
    sent = mail.outbox[0]
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = sent.extra_headers["List-Unsubscribe"].strip("<>")
    assert "/unsubscribe/" in link
    assert sent.body.rstrip().endswith(link)  # the refusal link closes the message


def test_service_messages_have_a_preference_link_but_no_unsubscribe(
    subscriber, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message_queue(
            customer=subscriber,
            purpose="service",
            template="confirm_contact",
            context={"confirm_url": "https://x", "valid_days": 1},
        )
    sent = mail.outbox[0]
    assert "List-Unsubscribe" not in sent.extra_headers
    assert "/preferences/" in sent.body


def test_marketing_already_queued_for_an_address_never_confirmed_is_held(
    subscriber, marketing, django_capture_on_commit_callbacks
):
    """Checked again at send time: a message on consent to a web registration whose link
    was never opened (queued before, or by a path that forgot) does not go."""
    subscriber.contact_confirmed_at = None
    subscriber.save(update_fields=["contact_confirmed_at"])
    with django_capture_on_commit_callbacks(execute=True):
        message = message_queue(
            customer=subscriber,
            purpose="marketing_email",
            template="confirm_contact",
            context={"confirm_url": "https://x", "valid_days": 1},
        )
    message.refresh_from_db()
    assert message.status == Message.Status.HELD
    assert message.status_reason == "contact not confirmed"
    assert mail.outbox == []
