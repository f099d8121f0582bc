"""Pending changes: a web form that matches an existing customer changes nothing until the
customer confirms it through a link sent to the address already on file. Anyone can type a
customer's email into a public form; only the customer can read that mailbox."""

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from customers.consents.models import ConsentState, PolicyVersion, Purpose
from customers.consents.services.ledger import consents_grant_many
from customers.messaging.services import absolute_url, message_queue
from customers.models import Customer, PendingChange
from customers.records.services import EDITABLE_FIELDS, customer_touch, customer_update
from customers.signals import contact_confirmed

logger = logging.getLogger(__name__)

PENDING_SALT = "customers.confirm-pending-change"
ACTOR = "customer (confirmed web form)"


class PendingChangeError(Exception):
    pass


def _changed(customer: Customer, data: dict) -> dict:
    """The values the form would change (a blank keeps the known value, as a merge did)."""
    return {
        name: value
        for name, value in data.items()
        if name in EDITABLE_FIELDS and value and (getattr(customer, name) or "") != value
    }


def _labels(names, language) -> list[str]:
    with translation.override(language):
        return [str(Customer._meta.get_field(name).verbose_name) for name in names]


def pending_token(change: PendingChange) -> str:
    # Bound to the change and to the address the link went to.
    return signing.dumps(
        {"p": change.pk, "e": change.customer.email_index}, salt=PENDING_SALT, compress=True
    )


@transaction.atomic(savepoint=False)
def pending_change_create(*, customer: Customer, submission, pending: dict) -> PendingChange | None:
    """Hold a form's values for ``customer`` and send the confirmation link to the address
    on file. A newer form replaces an older one still waiting. A form that would change
    nothing (the same registration sent again after going back: its values known, its boxes
    granted already) asks nothing and sends nothing: None."""
    values = _changed(customer, pending["data"])
    granted = set(
        ConsentState.objects.filter(customer=customer, granted=True).values_list(
            "purpose__code", flat=True
        )
    )
    consented = [code for code in pending["consented"] if code not in granted]
    if not values and not consented:
        logger.info("pending_change.nothing_new customer_id=%s", customer.pk)
        return None
    now = timezone.now()
    PendingChange.objects.filter(customer=customer, status=PendingChange.Status.PENDING).update(
        status=PendingChange.Status.SUPERSEDED, payload="", decided_at=now
    )
    change = PendingChange.objects.create(
        customer=customer,
        submission=submission,
        payload=json.dumps(
            {
                "values": values,
                "consented": consented,
                "channel": pending["channel"],
                "gpc": pending.get("gpc", False),
                "language": submission.language,
                "policy_version": submission.policy_version_id,
                "ip_address": submission.ip_address,
                "user_agent": submission.user_agent,
            },
            ensure_ascii=False,
        ),
        fields=sorted(values),
        expires_at=now + timedelta(days=settings.CONFIRMATION_LINK_DAYS),
    )
    with translation.override(customer.preferred_language):  # the page in their language
        path = reverse("customers:confirm_change", args=[pending_token(change)])
    message_queue(
        customer=customer,
        purpose="service",
        template="confirm_change",
        context={
            "confirm_url": absolute_url(path),
            "valid_days": settings.CONFIRMATION_LINK_DAYS,
            "fields": _labels(sorted(values), customer.preferred_language),
        },
    )
    logger.info("pending_change.created change_id=%s customer_id=%s", change.pk, customer.pk)
    return change


def pending_change_for_token(token: str, *, for_update: bool = False) -> PendingChange:
    try:
        payload = signing.loads(token, salt=PENDING_SALT)
    except signing.BadSignature as exc:
        raise PendingChangeError("invalid") from exc
    changes = PendingChange.objects.select_related("customer")
    if for_update:
        changes = changes.select_for_update(of=("self",))
    change = changes.filter(pk=payload.get("p"), customer__email_index=payload.get("e")).first()
    if change is None or change.customer.is_erased:
        raise PendingChangeError("invalid")
    if change.status == PendingChange.Status.CONFIRMED:
        return change
    if change.status != PendingChange.Status.PENDING or change.expires_at <= timezone.now():
        raise PendingChangeError("expired")
    return change


def pending_change_rows(change: PendingChange) -> list[dict]:
    """Old → new, field by field, for the confirmation page (shown only to the holder of
    the link, that is of the mailbox on file)."""
    if change.status != PendingChange.Status.PENDING:
        return []
    payload = json.loads(change.payload)
    rows = [
        {
            "label": Customer._meta.get_field(name).verbose_name,
            "old": getattr(change.customer, name) or "",
            "new": value,
        }
        for name, value in sorted(payload["values"].items())
    ]
    purposes = Purpose.objects.filter(code__in=payload["consented"])
    return rows + [{"label": p.name, "old": "", "new": "✓"} for p in purposes]


@transaction.atomic
def pending_change_confirm(*, token: str) -> PendingChange:
    """Apply the values and record the purposes ticked on the form, now that the customer
    has confirmed through the link. A repeat is harmless."""
    change = pending_change_for_token(token, for_update=True)
    if change.status == PendingChange.Status.CONFIRMED:
        return change
    customer = Customer.objects.select_for_update().get(pk=change.customer_id)
    payload = json.loads(change.payload)
    customer_update(
        customer=customer,
        actor=ACTOR,
        data=payload["values"],
        reason=f"web form confirmed (pending change #{change.pk})",
        keep_blank=True,
    )
    consents_grant_many(
        customer=customer,
        purposes=list(Purpose.objects.filter(code__in=payload["consented"])),
        channel=payload["channel"],
        language=payload["language"],
        policy_version=PolicyVersion.objects.filter(pk=payload["policy_version"]).first(),
        ip_address=payload["ip_address"],
        user_agent=payload["user_agent"],
        gpc=payload.get("gpc", False),
    )
    now = timezone.now()
    if customer.contact_confirmed_at is None:
        # The link reached the address on file: that confirms it too.
        waited = customer.awaits_confirmation  # a web registration: its consents held so far
        customer.contact_confirmed_at = now
        customer.save(update_fields=["contact_confirmed_at", "updated_at"])
        if waited:
            contact_confirmed.send(sender=Customer, customer=customer)
    customer_touch(customer=customer)
    change.status, change.payload, change.decided_at = PendingChange.Status.CONFIRMED, "", now
    change.save(update_fields=["status", "payload", "decided_at"])
    logger.info("pending_change.confirmed change_id=%s customer_id=%s", change.pk, customer.pk)
    return change


def pending_changes_expire(now=None) -> int:
    """Close the changes nobody confirmed in time and forget their values."""
    now = now or timezone.now()
    count = PendingChange.objects.filter(
        status=PendingChange.Status.PENDING, expires_at__lte=now
    ).update(status=PendingChange.Status.EXPIRED, payload="", decided_at=now)
    if count:
        logger.info("pending_change.expired count=%s", count)
    return count
