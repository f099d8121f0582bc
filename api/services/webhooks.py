"""Webhooks: events written with the change that caused them, delivered signed, at least once.

Signed as the Standard Webhooks specification says (https://www.standardwebhooks.com/):
``webhook-id``, ``webhook-timestamp`` and ``webhook-signature: v1,<base64 HMAC-SHA256 of
"id.timestamp.body">`` keyed with the bytes of the ``whsec_<base64>`` secret, so that any
Standard Webhooks library verifies them. Sent only to public https addresses
(``api.services.webhook_targets``).

The event and one delivery row per subscriber are written in the transaction of the consent
or erasure (an outbox): nothing is announced that was rolled back, and nothing is lost when
the broker is down (``webhooks_resend_due`` hands over what no worker took).
"""

import base64
import binascii
import hashlib
import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import ApiClient, WebhookDelivery, WebhookEvent, WebhookSubscription
from api.selectors import identifier_hash
from api.services import webhook_targets
from customers.core import jobs
from customers.core.actors import Actor
from customers.models import Customer

logger = logging.getLogger(__name__)

SECRET_PREFIX = "whsec_"  # noqa: S105  # nosec B105: the prefix, not a secret

# What the delivery list says of a failed attempt: our words, never the target's.
DELIVERY_ERRORS = {
    "refused": _("Refused: not a public https address"),
    "no-answer": _("No answer"),
    "status": _("The subscriber did not answer 2xx"),
    "revoked": _("Cancelled: the client's key was revoked"),
}
DELIVERY_FAILED = _("Delivery failed")


def secret_new() -> str:
    """``whsec_`` and the base64 of 32 random bytes, as Standard Webhooks libraries read it."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_key(secret: str) -> bytes:
    """The signing key: the bytes the secret's base64 stands for (a secret made before the
    Standard Webhooks scheme is URL-safe base64 without padding)."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        return base64.b64decode(encoded, validate=True)
    except binascii.Error:
        return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))


def signature(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """``v1,<base64 HMAC-SHA256 of "id.timestamp.body">``."""
    signed = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(secret: str, message_id: str, body: str, timestamp: int | None = None):
    """The Standard Webhooks headers of one attempt (a new timestamp each time)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }


@transaction.atomic
def webhook_subscription_create(
    *, client: ApiClient, url: str, events, actor
) -> WebhookSubscription:
    """A client's subscription to ``events``; its signing secret is shown once."""
    Actor.of(actor).require("api.add_webhooksubscription")
    webhook_targets.validate_webhook_url(url)
    subscription = WebhookSubscription(
        client=client,
        url=url,
        events=sorted(set(events)),
        secret=secret_new(),
    )
    subscription.full_clean()
    subscription.save()
    return subscription


def webhook_subscription_new_secret(*, subscription: WebhookSubscription, actor) -> str:
    """A new signing secret (the old one stops verifying at once); returned to be shown
    once. For a leaked secret, and for subscriptions made before the Standard Webhooks
    scheme, whose URL-safe secret its libraries cannot read."""
    Actor.of(actor).require("api.change_webhooksubscription")
    secret = secret_new()
    WebhookSubscription.objects.filter(pk=subscription.pk).update(secret=secret)
    logger.info("webhook.secret_replaced subscription_id=%s", subscription.pk)
    return secret


def _subject_hashes(salt: str, customer: Customer) -> dict:
    phones = [customer.phone_mobile, customer.phone_home, customer.phone_office]
    return {
        "email": identifier_hash(salt, "email", customer.email) if customer.email else None,
        "phones": [identifier_hash(salt, "phone", p) for p in phones if p],
    }


def _body(event: WebhookEvent, subscription: WebhookSubscription, customer) -> str:
    data = {
        **event.data,
        "customer_id": event.customer_id,
        "subject_hashes": _subject_hashes(subscription.client.suppression_salt, customer),
    }
    payload = {"id": str(event.id), "type": event.type, "created": event.created_at, "data": data}
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)


def webhook_events_create(*, event_type: str, customers: list[Customer], data_for) -> int:
    """One event per customer and one delivery per subscriber to ``event_type``; the
    deliveries start when the transaction commits. Returns how many deliveries."""
    subscriptions = [
        s
        for s in WebhookSubscription.objects.select_related("client").filter(
            client__revoked_at__isnull=True
        )
        if event_type in s.events
    ]
    if not subscriptions:
        return 0
    now, deliveries = timezone.now(), []
    for customer in customers:
        event = WebhookEvent.objects.create(
            type=event_type, customer_id=customer.pk, data=data_for(customer)
        )
        deliveries += [
            WebhookDelivery(
                subscription=s, event=event, body=_body(event, s, customer), next_attempt_at=now
            )
            for s in subscriptions
        ]
    WebhookDelivery.objects.bulk_create(deliveries)
    active = [
        d.pk for d in deliveries if d.subscription.status == WebhookSubscription.Status.ACTIVE
    ]
    transaction.on_commit(lambda: webhook_deliveries_enqueue(delivery_ids=active))
    return len(deliveries)


def webhook_deliveries_enqueue(*, delivery_ids, countdown: float = 0) -> None:
    # By name from the registry: the task module imports this one, not the reverse.
    webhook_deliver = current_app.tasks[jobs.WEBHOOK_DELIVER]
    for delivery_id in delivery_ids:
        try:
            webhook_deliver.apply_async((delivery_id,), countdown=countdown, retry=False)
        except Exception as exc:  # broker down: the resend sweep hands it over later
            logger.warning(
                "webhook.enqueue_failed delivery_id=%s error=%s", delivery_id, type(exc).__name__
            )


LONGEST_BACKOFF = 60 * 60  # seconds; a subscriber down longer is paused by then anyway


def backoff_seconds(attempts: int) -> float:
    """10 s, 30 s, 90 s, … at most the longest countdown the broker keeps (one hour)."""
    base = settings.WEBHOOK_BACKOFF_SECONDS
    return min(base * 3 ** max(attempts - 1, 0), LONGEST_BACKOFF)


@dataclass
class Attempt:
    delivered: bool
    retry_in: float | None = None


def _post(subscription: WebhookSubscription, delivery: WebhookDelivery) -> tuple[int | None, str]:
    """One POST; the status code, and one of ``DELIVERY_ERRORS`` (never the target's own
    words, nor which network error it was: the delivery list must not be a port scanner)."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "privacysite-webhooks/1",
        **signed_headers(subscription.secret, str(delivery.event_id), delivery.body),
    }
    try:
        status_code = webhook_targets.post(
            subscription.url, delivery.body.encode(), headers, settings.WEBHOOK_TIMEOUT
        )
    except webhook_targets.TargetRefused:
        logger.warning("webhook.refused_target subscription_id=%s", subscription.pk)
        return None, "refused"
    except (OSError, ValueError) as exc:
        logger.info("webhook.no_answer delivery_id=%s error=%s", delivery.pk, type(exc).__name__)
        return None, "no-answer"
    return status_code, "" if 200 <= status_code < 300 else "status"


def webhook_attempt(*, delivery_id: int) -> Attempt | None:
    """Send one delivery once. Returns None when there is nothing to do (gone, done, paused)."""
    delivery = (
        WebhookDelivery.objects.select_related("subscription__client")
        .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
        .first()
    )
    if delivery is None or delivery.subscription.status != WebhookSubscription.Status.ACTIVE:
        return None
    if not delivery.subscription.client.is_active:  # revoked since: nothing more is sent
        webhook_deliveries_cancel(client=delivery.subscription.client)
        return None
    subscription = delivery.subscription
    status_code, error = _post(subscription, delivery)
    now = timezone.now()
    ok = status_code is not None and 200 <= status_code < 300
    with transaction.atomic():
        attempts = delivery.attempts + 1
        if ok:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                status=WebhookDelivery.Status.DELIVERED,
                attempts=attempts,
                last_attempt_at=now,
                last_status_code=status_code,
                last_error="",
                delivered_at=now,
                next_attempt_at=None,
            )
            WebhookSubscription.objects.filter(pk=subscription.pk).update(consecutive_failures=0)
            logger.info("webhook.delivered delivery_id=%s attempts=%s", delivery.pk, attempts)
            return Attempt(delivered=True)
        gave_up = attempts >= settings.WEBHOOK_MAX_ATTEMPTS
        retry_in = None if gave_up else backoff_seconds(attempts)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.FAILED if gave_up else WebhookDelivery.Status.PENDING,
            attempts=attempts,
            last_attempt_at=now,
            last_status_code=status_code,
            last_error=error,
            next_attempt_at=None if gave_up else now + timedelta(seconds=retry_in),
        )
        WebhookSubscription.objects.filter(pk=subscription.pk).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        _pause_if_failing(subscription.pk)
    logger.warning(
        "webhook.failed delivery_id=%s attempts=%s status=%s gave_up=%s",
        delivery.pk,
        attempts,
        status_code,
        gave_up,
    )
    return Attempt(delivered=False, retry_in=retry_in)


def _pause_if_failing(subscription_id: int) -> None:
    paused = WebhookSubscription.objects.filter(
        pk=subscription_id,
        status=WebhookSubscription.Status.ACTIVE,
        consecutive_failures__gte=settings.WEBHOOK_PAUSE_AFTER_FAILURES,
    ).update(status=WebhookSubscription.Status.PAUSED, paused_at=timezone.now())
    if paused:
        logger.warning("webhook.paused subscription_id=%s", subscription_id)
        transaction.on_commit(lambda: _tell_dpo_paused(subscription_id))


def _tell_dpo_paused(subscription_id: int) -> None:
    subscription = WebhookSubscription.objects.select_related("client").get(pk=subscription_id)
    pending = subscription.deliveries.filter(status=WebhookDelivery.Status.PENDING).count()
    send_mail(
        "privacysite: webhook subscriber paused",
        f"The webhook subscription #{subscription.pk} of the system '{subscription.client}' "
        f"failed {subscription.consecutive_failures} times in a row and is paused.\n"
        f"{pending} deliveries wait. The other system may be acting on stale consents: "
        "check it, then resume the subscription in the admin (API → webhook subscriptions).\n",
        None,
        [settings.DPO["email"]],
    )


@transaction.atomic
def webhook_subscription_resume(*, subscription: WebhookSubscription, actor) -> int:
    """Active again; every waiting delivery is sent. Returns how many."""
    Actor.of(actor).require("api.change_webhooksubscription")
    updated = WebhookSubscription.objects.filter(
        pk=subscription.pk, status=WebhookSubscription.Status.PAUSED
    ).update(status=WebhookSubscription.Status.ACTIVE, consecutive_failures=0, paused_at=None)
    if not updated:
        return 0
    ids = list(
        subscription.deliveries.filter(status=WebhookDelivery.Status.PENDING).values_list(
            "pk", flat=True
        )
    )
    WebhookDelivery.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
    transaction.on_commit(lambda: webhook_deliveries_enqueue(delivery_ids=ids))
    logger.info("webhook.resumed subscription_id=%s pending=%s", subscription.pk, len(ids))
    return len(ids)


def webhook_deliveries_cancel(*, client: ApiClient) -> int:
    """A revoked client's waiting deliveries: cancelled at once, with the reason (issue 31,
    finding 3). Returns how many."""
    cancelled = WebhookDelivery.objects.filter(
        subscription__client=client, status=WebhookDelivery.Status.PENDING
    ).update(status=WebhookDelivery.Status.CANCELLED, next_attempt_at=None, last_error="revoked")
    if cancelled:
        logger.info("webhook.cancelled client_id=%s count=%s", client.pk, cancelled)
    return cancelled


def webhooks_resend_due(*, batch: int = 500) -> int:
    """Deliveries whose time passed a while ago with no worker on them (a lost task, a
    worker killed mid-delivery, a broker outage): handed over again."""
    ids = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING,
            subscription__status=WebhookSubscription.Status.ACTIVE,
            subscription__client__revoked_at__isnull=True,
            next_attempt_at__lte=timezone.now() - timedelta(seconds=settings.WEBHOOK_LOST_AFTER),
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:batch]
    )
    webhook_deliveries_enqueue(delivery_ids=ids)
    return len(ids)
