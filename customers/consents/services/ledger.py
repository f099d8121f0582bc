"""Granting and withdrawing consent: one ledger event and the current state, together."""

import hashlib
import logging

from celery import current_app
from django.db import transaction

from customers.consents.models import ConsentEvent, ConsentState, PolicyVersion, Purpose
from customers.consents.selectors import policy_current
from customers.core import jobs
from customers.core.actors import Actor
from privacysite.journal import journal_withdrawal

logger = logging.getLogger(__name__)


class NoPublishedPolicy(Exception):
    """Consent names the policy version it was given under; none is published yet."""


def consent_receipt_schedule(*, customer_id: int) -> None:
    """For each new event: the receipt (``customers.messaging.receipts``) follows the commit."""

    def enqueue():
        # By name from the registry: the ledger stays free of the messaging imports.
        consent_receipts_send = current_app.tasks[jobs.CONSENT_RECEIPTS_SEND]
        try:
            consent_receipts_send.delay(customer_id)
        except Exception as exc:  # broker down: the consent stands; the sweep sends it later
            logger.warning(
                "consent.receipt_enqueue_failed customer_id=%s error=%s",
                customer_id,
                type(exc).__name__,
            )

    transaction.on_commit(enqueue)


def consent_record(
    *,
    customer,
    purpose: Purpose,
    granted: bool,
    channel: str,
    language: str = "vi",
    policy_version: PolicyVersion | None = None,
    ip_address: str = "",
    user_agent: str = "",
    actor=None,
    call_reference: str = "",
    gpc: bool = False,
    schedule_receipt: bool = True,
    given_at=None,
    wording: str | None = None,
) -> ConsentEvent | None:
    """Append a grant or withdrawal; returns None when it changes nothing (a repeat).
    ``actor``: staff entering what the customer said (on the phone) need the permission to
    add consent events and are recorded on the event; the customer, an API client and the
    system act without one (``customers.core.actors.Actor``).
    ``gpc``: the browser sent a Global Privacy Control signal with the form it came from.
    ``schedule_receipt=False``: the caller sends the receipt itself, in a message of its own
    (a registration's confirmation lists the consents given with it).
    ``given_at`` and ``wording``: a consent given earlier, elsewhere, and imported with its
    proof: the date it was given and the words the customer agreed to (their hash stands for
    the wording, so a text that differs from today's is asked again like a changed one).

    Granting again under changed wording is recorded: that is the re-confirmation.
    """
    # Checked before the transaction: a refusal leaves the caller's transaction usable.
    actor = Actor.of(actor).require("consents.add_consentevent")
    with transaction.atomic(savepoint=False):
        if customer.is_erased:
            return None
        state = (
            ConsentState.objects.select_for_update()
            .filter(customer=customer, purpose=purpose)
            .first()
        )
        unchanged = state is not None and state.granted == granted
        if unchanged and (not granted or state.wording_hash == purpose.wording_hash):
            return None
        if state is None and not granted:
            return None  # never given: nothing to withdraw
        policy_version = policy_version or policy_current()
        if policy_version is None:
            raise NoPublishedPolicy("Publish a privacy policy version before recording consent.")
        wording_hash = purpose.wording_hash
        if wording is not None and wording.strip() != purpose.wording(language).strip():
            wording_hash = hashlib.sha256(wording.encode("utf-8")).hexdigest()
        event = ConsentEvent.objects.create(
            customer=customer,
            purpose=purpose,
            action=ConsentEvent.Action.GRANTED if granted else ConsentEvent.Action.WITHDRAWN,
            policy_version=policy_version,
            wording=purpose.wording(language) if wording is None else wording,
            wording_hash=wording_hash,
            given_at=given_at,
            language=language,
            channel=channel,
            ip_address=ip_address or "",
            user_agent=(user_agent or "")[:300],
            staff_user=actor.user,
            call_reference=call_reference,
            gpc=gpc,
        )
        state = state or ConsentState(customer=customer, purpose=purpose)
        state.granted = granted
        state.wording_hash = wording_hash
        state.last_event = event
        state.since = given_at or event.created_at
        state.save()  # the row is locked above (select_for_update) or new
        if not granted:  # a restored backup must not grant it again (privacysite.journal)
            journal_withdrawal(
                customer_id=customer.pk,
                created=customer.created_at,
                purpose=purpose.code,
                channel=channel,
            )
        if schedule_receipt:
            consent_receipt_schedule(customer_id=customer.pk)
        logger.info(
            "consent.%s customer_id=%s purpose=%s event_id=%s",
            event.action,
            customer.pk,
            purpose.code,
            event.pk,
        )
        return event


def consent_grant(**kwargs) -> ConsentEvent | None:
    return consent_record(granted=True, **kwargs)


def consent_withdraw(**kwargs) -> ConsentEvent | None:
    return consent_record(granted=False, **kwargs)


def consents_grant_many(*, customer, purposes, actor=None, **kwargs) -> list[ConsentEvent]:
    """Grant each purpose ticked on a form (unticked boxes are silence, not a refusal)."""
    actor = Actor.of(actor).require("consents.add_consentevent")
    with transaction.atomic(savepoint=False):
        events = [
            consent_grant(customer=customer, purpose=p, actor=actor, **kwargs) for p in purposes
        ]
    return [e for e in events if e is not None]


@transaction.atomic
def consent_state_rebuild(*, customer=None) -> int:
    """Derive the current-state table again from the ledger; returns rows written."""
    events = ConsentEvent.objects.order_by("customer_id", "purpose_id", "created_at", "id")
    if customer is not None:
        events = events.filter(customer=customer)
        ConsentState.objects.filter(customer=customer).delete()
    else:
        ConsentState.objects.all().delete()
    latest = {}
    for event in events.iterator(chunk_size=2000):
        latest[(event.customer_id, event.purpose_id)] = event
    ConsentState.objects.bulk_create(
        ConsentState(
            customer_id=c,
            purpose_id=p,
            granted=e.action == ConsentEvent.Action.GRANTED,
            wording_hash=e.wording_hash,
            last_event=e,
            since=e.created_at,
        )
        for (c, p), e in latest.items()
    )
    return len(latest)
