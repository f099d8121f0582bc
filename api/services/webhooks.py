"""Webhooks: events written with the change that caused them, delivered signed, at least once.

The event and one delivery row per subscriber are written in the transaction of the consent
or erasure (an outbox): nothing is announced that was rolled back, and nothing is lost when
the broker is down (``webhooks_resend_due`` hands over what no worker took).
"""

import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from api.models import ApiClient, WebhookDelivery, WebhookEvent, WebhookSubscription
from api.selectors import identifier_hash
from customers.core import jobs
from customers.core.actors import Actor
from customers.models import Customer

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Privacysite-Signature"
EVENT_ID_HEADER = "Privacysite-Event-Id"


def signature(secret: str, timestamp: int, body: str) -> str:
    """Stripe's scheme: HMAC-SHA256 over ``"<timestamp>.<body>"`` with the endpoint secret."""
    signed = f"{timestamp}.{body}".encode()
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


@transaction.atomic
def webhook_subscription_create(
    *, client: ApiClient, url: str, events, actor
) -> WebhookSubscription:
    """A client's subscription to ``events``; its signing secret is shown once."""
    Actor.of(actor).require("api.add_webhooksubscription")
    subscription = WebhookSubscription(
        client=client,
        url=url,
        events=sorted(set(events)),
        secret="whsec_" + secrets.token_urlsafe(32),
    )
    subscription.full_clean()
    subscription.save()
    return subscription


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
    request = urllib.request.Request(  # noqa: S310  # nosec B310: admin-set https/http URL
        subscription.url,
        data=delivery.body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "privacysite-webhooks/1",
            EVENT_ID_HEADER: str(delivery.event_id),
            SIGNATURE_HEADER: signature_header(subscription.secret, delivery.body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT) as response:  # noqa: S310  # nosec B310
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return None, type(getattr(exc, "reason", exc)).__name__[:200]


def webhook_attempt(*, delivery_id: int) -> Attempt | None:
    """Send one delivery once. Returns None when there is nothing to do (gone, done, paused)."""
    delivery = (
        WebhookDelivery.objects.select_related("subscription")
        .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
        .first()
    )
    if delivery is None or delivery.subscription.status != WebhookSubscription.Status.ACTIVE:
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


def webhooks_resend_due(*, batch: int = 500) -> int:
    """Deliveries whose time passed a while ago with no worker on them (a lost task, a
    worker killed mid-delivery, a broker outage): handed over again."""
    ids = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING,
            subscription__status=WebhookSubscription.Status.ACTIVE,
            next_attempt_at__lte=timezone.now() - timedelta(seconds=settings.WEBHOOK_LOST_AFTER),
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:batch]
    )
    webhook_deliveries_enqueue(delivery_ids=ids)
    return len(ids)
