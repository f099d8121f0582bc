"""Erasure and correction reach every recipient: each processor or partner the disclosure
register says received a customer's data is told to delete or correct it, by a deadline,
and its answer is recorded (Law 91 Art 10(3), Art 14(4); docs/legal.md §3.2, §11.3).

The notice is written while the customer's data still exists (an erasure calls this before
it wipes): the email names the person only as the recipient already knows them (the fields
it received), is tied to no customer, and its address and text are forgotten once sent."""

import datetime
import json
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from customers.core.actors import Actor
from customers.messaging.services import message_enqueue, render_email
from customers.models import Customer, Disclosure, Message, Recipient, RecipientNotice

logger = logging.getLogger(__name__)

NOTICE_PURPOSE = "recipient_notice"
NOTIFIED_KINDS = (Recipient.Kind.PROCESSOR, Recipient.Kind.PARTNER)
# What the recipient gets to act in: what is left of the customer's legal period once the
# recipient is involved (Decree 356 Art 5: deletion 20 → 30 days, correction 10 → 15).
DAYS = {
    RecipientNotice.Kind.DELETE: "deletion",
    RecipientNotice.Kind.CORRECT: "correction",
    RecipientNotice.Kind.RESTRICT: "objection",
    RecipientNotice.Kind.RESUME: "objection",
}


class NoticeAnswerMissing(Exception):
    pass


def _deadline(kind: str) -> datetime.date:
    clock = settings.REQUEST_DEADLINES[DAYS[kind]]
    days = max(clock["processor_days"] - clock["days"], 1)
    return timezone.localdate() + datetime.timedelta(days=days)


def recipients_of(customer_ids) -> dict[tuple[int, int], set[str]]:
    """(customer id, recipient id) → the fields that recipient received about the customer,
    from the disclosure register (processors and partners; an authority is not told)."""
    wanted = set(customer_ids)
    found: dict[tuple[int, int], set[str]] = {}
    disclosures = Disclosure.objects.filter(recipient__kind__in=NOTIFIED_KINDS).values_list(
        "recipient_id", "customer_ids", "fields"
    )
    for recipient_id, ids, fields in disclosures.iterator():
        for customer_id in wanted.intersection(ids):
            found.setdefault((customer_id, recipient_id), set()).update(fields)
    return found


def _identity(customer: Customer, fields: set[str]) -> list[dict]:
    with translation.override(settings.LANGUAGE_CODE):
        return [
            {"label": str(Customer._meta.get_field(name).verbose_name), "value": value}
            for name in sorted(fields)
            if (value := getattr(customer, name, ""))
        ]


@transaction.atomic(savepoint=False)
def recipients_notify(*, customer_ids, kind: str, changed=()) -> list[RecipientNotice]:
    """Record (and email, where the recipient has an address) a notice to every recipient
    of these customers' data. For a correction only recipients that received one of the
    ``changed`` fields are told, with the new values."""
    pairs = recipients_of(customer_ids)
    if kind == RecipientNotice.Kind.CORRECT:
        pairs = {key: fields for key, fields in pairs.items() if fields & set(changed)}
    if not pairs:
        return []
    customers = Customer.objects.in_bulk([c for c, _r in pairs])
    recipients = Recipient.objects.in_bulk([r for _c, r in pairs])
    deadline = _deadline(kind)
    notices = []
    for (customer_id, recipient_id), fields in sorted(pairs.items()):
        recipient, customer = recipients[recipient_id], customers[customer_id]
        notice = RecipientNotice.objects.create(
            recipient=recipient,
            customer_id=customer_id,
            kind=kind,
            fields=sorted(fields & set(changed)) if changed else sorted(fields),
            deadline=deadline,
        )
        if recipient.notice_email:
            notice.message = _email(notice, customer, fields)
            notice.save(update_fields=["message"])
        notices.append(notice)
    logger.info("recipient_notice.recorded count=%s kind=%s", len(notices), kind)
    return notices


def _email(notice: RecipientNotice, customer: Customer, fields: set[str]) -> Message:
    context = {
        "notice": notice.pk,
        "kind": notice.kind,
        "recipient": notice.recipient.name,
        "identity": _identity(customer, fields),
        "changed": notice.fields if notice.kind == RecipientNotice.Kind.CORRECT else [],
        "deadline": notice.deadline.strftime("%d/%m/%Y"),
        "dpo": settings.DPO,
    }
    subject, text, html = render_email(
        template=NOTICE_PURPOSE, context=context, language=settings.LANGUAGE_CODE
    )
    message = Message.objects.create(
        customer=None,
        purpose=NOTICE_PURPOSE,
        template=NOTICE_PURPOSE,
        language=settings.LANGUAGE_CODE,
        recipient=notice.recipient.notice_email,
        context=json.dumps({"notice": notice.pk}),
        subject=subject,
        body=text,
        html_body=html,
    )
    transaction.on_commit(lambda: message_enqueue(message_id=message.pk))
    return message


@transaction.atomic
def recipient_notice_confirm(*, notice: RecipientNotice, actor, answer: str) -> bool:
    """Record the recipient's answer (it deleted or corrected, with its reference)."""
    actor = Actor.of(actor).require("customers.change_recipientnotice")
    notice = RecipientNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.confirmed_at is not None:
        return False
    if not answer.strip():
        raise NoticeAnswerMissing
    notice.confirmation = answer.strip()
    notice.confirmed_at = timezone.now()
    notice.confirmed_by = actor.user
    notice.save(update_fields=["confirmation", "confirmed_at", "confirmed_by"])
    logger.info("recipient_notice.confirmed notice_id=%s", notice.pk)
    return True


def recipient_notices_unconfirmed():
    """What the data-protection role follows up: notices without an answer, oldest first."""
    return RecipientNotice.objects.filter(confirmed_at__isnull=True).select_related(
        "recipient", "message"
    )
