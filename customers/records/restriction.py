"""Restriction of processing (Law 91 Art 4(1)(b),(d); docs/legal.md §3, §4.5): while it is in
force the customer's data is stored, and kept as the law requires, but not otherwise used:
no campaign, no partner sharing, no reference, nothing "given" to other systems. Wholly (the
customer's status says so) or for one purpose, until the customer or a reasoned decision
lifts it. The request flow calls these when an objection or restriction request ends."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.core.actors import Actor
from customers.models import Customer, ProcessingRestriction, RecipientNotice
from customers.records.services import _record_change
from customers.sharing.notices import recipients_notify
from customers.signals import restriction_lifted

logger = logging.getLogger(__name__)

SCOPE_WHOLE = "all processing"


class RestrictionReasonMissing(ValueError):
    def __init__(self):
        super().__init__(
            _("Give the reason: the customer's request, or the decision and its ground.")
        )


def _scope(purpose) -> str:
    return purpose.code if purpose is not None else SCOPE_WHOLE


def _in_force(customer, purpose):
    found = ProcessingRestriction.objects.in_force().filter(customer=customer)
    return found.filter(purpose=purpose) if purpose else found.filter(purpose__isnull=True)


def customer_restrict(
    *, customer: Customer, actor, reason: str, purpose=None, request=None
) -> ProcessingRestriction | None:
    """Put a restriction in force (``purpose`` None: all processing except storage and legal
    retention). A repeat returns the one in force; an erased customer has nothing to
    restrict (None)."""
    actor = Actor.of(actor).require("customers.add_processingrestriction")
    reason = (reason or "").strip()[:255]
    if not reason:
        raise RestrictionReasonMissing
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if customer.is_erased:
            return None
        current = _in_force(customer, purpose).first()
        if current is not None:
            return current
        restriction = ProcessingRestriction.objects.create(
            customer=customer,
            purpose=purpose,
            request=request,
            reason=reason,
            started_by=actor.user,
            started_by_label=actor.label,
        )
        if purpose is None:
            customer.status = Customer.Status.RESTRICTED
            customer.save(update_fields=["status", "updated_at"])
            # Those we gave the data to restrict it too (Law 91 Art 10(3)).
            recipients_notify(customer_ids=[customer.pk], kind=RecipientNotice.Kind.RESTRICT)
        _record_change(
            customer=customer,
            actor=actor,
            before={},
            after={"restricted": _scope(purpose)},
            reason=reason,
        )
    logger.info("customer.restricted customer_id=%s restriction_id=%s", customer.pk, restriction.pk)
    return restriction


def customer_restriction_lift(
    *, customer: Customer, actor, reason: str, purpose=None
) -> ProcessingRestriction | None:
    """Lift the restriction in force for this scope: the customer asked, or a decision with
    its ground. Returns it, or None when none was in force (a repeat)."""
    actor = Actor.of(actor).require("customers.change_processingrestriction")
    reason = (reason or "").strip()[:255]
    if not reason:
        raise RestrictionReasonMissing
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        restriction = _in_force(customer, purpose).select_for_update().first()
        if restriction is None:
            return None
        restriction.lifted_at = timezone.now()
        restriction.lifted_by, restriction.lifted_by_label = actor.user, actor.label
        restriction.lift_reason = reason
        restriction.save(update_fields=["lifted_at", "lifted_by", "lifted_by_label", "lift_reason"])
        if purpose is None and customer.status == Customer.Status.RESTRICTED:
            customer.status = Customer.Status.ACTIVE
            customer.save(update_fields=["status", "updated_at"])
            recipients_notify(customer_ids=[customer.pk], kind=RecipientNotice.Kind.RESUME)
        _record_change(
            customer=customer,
            actor=actor,
            before={"restricted": _scope(purpose)},
            after={"restricted": ""},
            reason=reason,
        )
        restriction_lifted.send(
            sender=Customer, customer=customer, purpose_code=getattr(purpose, "code", None)
        )
    logger.info(
        "customer.restriction_lifted customer_id=%s restriction_id=%s", customer.pk, restriction.pk
    )
    return restriction
