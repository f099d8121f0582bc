"""Creating, updating and confirming customers, with the change history."""

import json
import logging

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from customers.consents.models import ConsentEvent
from customers.consents.services.ledger import consents_grant_many
from customers.core.actors import Actor
from customers.core.personal_data import CUSTOMER_FIELDS, blind_indexes
from customers.messaging.receipts import consent_receipts_with, receipt_lines
from customers.messaging.services import absolute_url, message_queue
from customers.models import Customer, CustomerChange, Message, RecipientNotice
from customers.sharing.notices import recipients_notify
from customers.signals import contact_confirmed

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = tuple(f.name for f in CUSTOMER_FIELDS) + (
    "kind",
    "preferred_language",
    "preferred_channel",
)
CONFIRMATION_SALT = "customers.confirm-contact"


def _record_change(*, customer, actor, before: dict, after: dict, reason: str = ""):
    fields = sorted(after)
    actor = Actor.of(actor)
    CustomerChange.objects.create(
        customer=customer,
        **actor.recorded(),
        reason=reason,
        fields=fields,
        diff=json.dumps({f: [before.get(f, ""), after[f]] for f in fields}, ensure_ascii=False),
    )


def customer_create(*, actor, source: str, data: dict, reason: str = "") -> Customer:
    # The permission is checked before the transaction: a refusal leaves the caller's intact.
    Actor.of(actor).require("customers.add_customer")
    return _customer_create(actor=actor, source=source, data=data, reason=reason)


@transaction.atomic(savepoint=False)
def _customer_create(*, actor, source: str, data: dict, reason: str) -> Customer:
    values = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    customer = Customer(source=source, last_activity_at=timezone.now(), **values)
    customer.__dict__.update(blind_indexes(values))
    # Constraints are checked by the database itself, without a query each.
    customer.full_clean(exclude=["email_index"], validate_constraints=False)
    customer.save()
    _record_change(
        customer=customer,
        actor=actor,
        before={},
        after={k: v for k, v in values.items() if v},
        reason=reason or "created",
    )
    logger.info("customer.created customer_id=%s source=%s", customer.pk, source)
    return customer


def customer_update(
    *, customer: Customer, actor, data: dict, reason: str = "", keep_blank: bool = False
) -> list[str]:
    """Apply changed values; returns the names of the fields that changed.

    With ``keep_blank`` an empty new value does not erase a known one (merging a second
    web submission into an existing customer).
    """
    Actor.of(actor).require("customers.change_customer")
    return _customer_update(
        customer=customer, actor=actor, data=data, reason=reason, keep_blank=keep_blank
    )


@transaction.atomic(savepoint=False)
def _customer_update(*, customer: Customer, actor, data: dict, reason: str, keep_blank: bool):
    if customer.is_erased:
        return []
    before, after = {}, {}
    for name, value in data.items():
        if name not in EDITABLE_FIELDS:
            continue
        if keep_blank and not value:
            continue
        old = getattr(customer, name)
        if (old or "") != (value or ""):
            before[name], after[name] = old, value
            setattr(customer, name, value)
    if not after:
        return []
    indexes = blind_indexes(after)
    customer.__dict__.update(indexes)
    # Constraints are checked by the database itself, without a query each.
    customer.full_clean(exclude=["email_index"], validate_constraints=False)
    customer.save(update_fields=[*after, *indexes, "updated_at"])
    _record_change(customer=customer, actor=actor, before=before, after=after, reason=reason)
    # Whoever we gave these fields to is told to correct them (Law 91 Art 10(3)).
    recipients_notify(
        customer_ids=[customer.pk], kind=RecipientNotice.Kind.CORRECT, changed=sorted(after)
    )
    if before.get("email"):
        # The old address is told, so that a hijacked account is noticed.
        message_queue(
            customer=customer,
            purpose="service",
            template="email_changed",
            recipient=before["email"],
            context={},
        )
    logger.info("customer.updated customer_id=%s fields=%s", customer.pk, ",".join(sorted(after)))
    return sorted(after)


def customer_touch(*, customer: Customer, when=None) -> None:
    """Move "last activity" forward: the customer uses the service (retention starts again)."""
    when = when or timezone.now()
    # Any activity also cancels a pending erasure notice.
    Customer.objects.filter(pk=customer.pk, last_activity_at__lt=when).update(
        last_activity_at=when, erasure_notice_sent_at=None
    )


def confirmation_token(customer: Customer) -> str:
    # Bound to the customer and to the address it was sent to: a changed email voids it.
    return signing.dumps(
        {"c": customer.pk, "e": customer.email_index}, salt=CONFIRMATION_SALT, compress=True
    )


def customer_send_confirmation(
    *, customer: Customer, actor, enqueue: bool = True, consents=()
) -> Message | None:
    """Send the confirmation link (again): after a web registration (the system) or from the
    unconfirmed-registrations screen (staff who may change customers).

    ``enqueue=False``: the caller hands the message to the broker (with others).
    ``consents``: ledger events recorded with the registration (their receipt not scheduled):
    the confirmation lists them and is their receipt, so that a new customer gets one email
    rather than two in the same minute."""
    Actor.of(actor).require("customers.change_customer")
    with translation.override(customer.preferred_language):  # the page in their language
        path = reverse("customers:confirm", args=[confirmation_token(customer)])
    context = {
        "confirm_url": absolute_url(path),
        "valid_days": settings.CONFIRMATION_LINK_DAYS,
    }
    if consents:
        context["consents"] = receipt_lines(consents, customer.preferred_language)
    message = message_queue(
        enqueue=enqueue,
        customer=customer,
        purpose="service",
        template="confirm_contact",
        context=context,
    )
    consent_receipts_with(message=message, events=consents, customer=customer)
    return message


class ConfirmationError(Exception):
    pass


def _confirmation_customers(token: str):
    try:
        payload = signing.loads(
            token, salt=CONFIRMATION_SALT, max_age=settings.CONFIRMATION_LINK_DAYS * 86400
        )
    except signing.SignatureExpired as exc:
        raise ConfirmationError("expired") from exc
    except signing.BadSignature as exc:
        raise ConfirmationError("invalid") from exc
    return Customer.objects.filter(pk=payload.get("c"), email_index=payload.get("e")).exclude(
        status=Customer.Status.ERASED
    )


def customer_confirmed_at(*, token: str):
    """When the link's contact was confirmed (None: not yet), changing nothing: what the page
    a link opens says before its button is pressed. An expired or forged link raises."""
    customer = _confirmation_customers(token).first()
    if customer is None:
        raise ConfirmationError("invalid")
    return customer.contact_confirmed_at


@transaction.atomic
def customer_confirm_contact(*, token: str) -> Customer:
    """Mark the contact confirmed. A repeat is harmless; an expired or forged link raises."""
    customer = _confirmation_customers(token).select_for_update().first()
    if customer is None:
        raise ConfirmationError("invalid")
    if customer.contact_confirmed_at is None:
        waited = customer.awaits_confirmation  # a web registration: its consents held so far
        customer.contact_confirmed_at = timezone.now()
        customer.save(update_fields=["contact_confirmed_at", "updated_at"])
        customer_touch(customer=customer)
        if waited:
            contact_confirmed.send(sender=Customer, customer=customer)
        logger.info("customer.confirmed customer_id=%s", customer.pk)
    return customer


@transaction.atomic
def customer_suspend_email(*, customer: Customer, actor, reason: str) -> bool:
    """Stop using the email channel when fraud is suspected: links are not sent to it and
    requests from it are held until the customer is re-verified another way."""
    Actor.of(actor).require("customers.change_customer")
    if not reason.strip():
        raise ValueError("A reason is required to suspend the email channel.")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.email_suspended:
        return False
    customer.email_suspended_at = timezone.now()
    customer.email_suspension_reason = reason.strip()[:255]
    customer.save(update_fields=["email_suspended_at", "email_suspension_reason", "updated_at"])
    _record_change(
        customer=customer,
        actor=actor,
        before={},
        after={"email_channel": "suspended"},
        reason=reason,
    )
    logger.info("customer.email_suspended customer_id=%s", customer.pk)
    return True


@transaction.atomic
def customer_email_restore(*, customer: Customer, actor, verification: str) -> bool:
    """The customer was re-verified (by phone): the email channel works again. Held requests
    go on through ``customers.requests.services.customer_lift_email_suspension``."""
    Actor.of(actor).require("customers.change_customer")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not customer.email_suspended:
        return False
    customer.email_suspended_at = None
    customer.email_suspension_reason = ""
    customer.save(update_fields=["email_suspended_at", "email_suspension_reason", "updated_at"])
    _record_change(
        customer=customer,
        actor=actor,
        before={"email_channel": "suspended"},
        after={"email_channel": "active"},
        reason=verification,
    )
    logger.info("customer.email_restored customer_id=%s", customer.pk)
    return True


@transaction.atomic
def customer_save_by_staff(
    *, customer_id: int | None, actor, data: dict, consents=(), call_reference: str = ""
) -> Customer:
    """A customer created or edited by staff (often during a phone call): the values, the
    consents the customer gave on the phone, and their activity, in one transaction."""
    actor = Actor.of(actor).require(
        "customers.add_customer" if customer_id is None else "customers.change_customer"
    )
    values = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    if customer_id is not None:
        customer = Customer.objects.select_for_update().get(pk=customer_id)
        customer_update(customer=customer, actor=actor, data=values, reason="admin")
    else:
        customer = customer_create(actor=actor, source=data["source"], data=values, reason="admin")
    if consents:
        consents_grant_many(
            customer=customer,
            purposes=list(consents),
            channel=ConsentEvent.Channel.PHONE,
            language=customer.preferred_language,
            actor=actor,
            call_reference=call_reference,
        )
    if data.get("source") == Customer.Source.PHONE or consents:
        customer_touch(customer=customer)
    return customer
