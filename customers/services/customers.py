"""Creating, updating and confirming customers, with the change history."""

import json
import logging
import time

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from customers.models import Customer, CustomerChange, Submission
from customers.personal_data import CUSTOMER_FIELDS, blind_indexes

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = tuple(f.name for f in CUSTOMER_FIELDS) + (
    "kind",
    "preferred_language",
    "preferred_channel",
)
CONFIRMATION_SALT = "customers.confirm-contact"


def actor_label(actor) -> str:
    """How a change is attributed: the staff username, or what acted without one."""
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return actor.get_username()


def _actor_user(actor):
    return actor if getattr(actor, "pk", None) and not isinstance(actor, str) else None


def _record_change(*, customer, actor, before: dict, after: dict, reason: str = ""):
    fields = sorted(after)
    CustomerChange.objects.create(
        customer=customer,
        actor=_actor_user(actor),
        actor_label=actor_label(actor),
        reason=reason,
        fields=fields,
        diff=json.dumps({f: [before.get(f, ""), after[f]] for f in fields}, ensure_ascii=False),
    )


@transaction.atomic(savepoint=False)
def customer_create(*, actor, source: str, data: dict, reason: str = "") -> Customer:
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


@transaction.atomic(savepoint=False)
def customer_update(
    *, customer: Customer, actor, data: dict, reason: str = "", keep_blank: bool = False
) -> list[str]:
    """Apply changed values; returns the names of the fields that changed.

    With ``keep_blank`` an empty new value does not erase a known one (merging a second
    web submission into an existing customer).
    """
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
    if before.get("email"):
        # The old address is told, so that a hijacked account is noticed.
        from customers.services.messages import message_queue

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


@transaction.atomic
def submission_accept(
    *,
    form: str,
    data: dict,
    raw: dict,
    ip_address: str,
    user_agent: str,
    language: str,
    policy_version=None,
    consented=(),
    consent_channel: str = "web_form",
) -> Submission:
    """Accept a web form while the customer waits: one encrypted INSERT, nothing else. The
    rest is done by a worker within seconds (``submissions_process_pending``, every 5 s):
    the row itself is the queue, so a broker outage loses nothing and costs the request
    nothing."""
    submission = Submission.objects.create(
        form=form,
        data=json.dumps(raw, ensure_ascii=False),
        ip_address=ip_address or "",
        user_agent=(user_agent or "")[:300],
        policy_version=policy_version,
        language=language,
        pending=json.dumps(
            {
                "data": data,
                "consented": [purpose.code for purpose in consented],
                "channel": consent_channel,
            },
            ensure_ascii=False,
        ),
    )
    logger.info("submission.accepted submission_id=%s form=%s", submission.pk, form)
    return submission


@transaction.atomic
def submission_process(*, submission_id: int) -> Customer | None:
    """Find the customer by email (or create one), merge, link the submission, grant the
    purposes ticked and queue the confirmation, in one transaction. A repeat does nothing."""
    from consents.models import Purpose
    from consents.services.ledger import consents_grant_many
    from customers.selectors import customer_by_email

    submission = (
        Submission.objects.select_for_update(skip_locked=True)
        .filter(pk=submission_id, processed_at=None)
        .first()
    )
    if submission is None:  # done already, or another worker is on it
        return None
    pending = json.loads(submission.pending)
    data, form, language = pending["data"], submission.form, submission.language
    actor = "customer (web form)"
    customer = customer_by_email(data.get("email", ""), for_update=True)
    created = customer is None
    if created:
        customer = customer_create(
            actor=actor,
            source=Customer.Source.WEB_FORM,
            data={**data, "preferred_language": language},
            reason=form,
        )
    else:
        customer_update(customer=customer, actor=actor, data=data, reason=form, keep_blank=True)
        customer_touch(customer=customer)
    consents_grant_many(
        customer=customer,
        purposes=list(Purpose.objects.filter(code__in=pending["consented"])),
        channel=pending["channel"],
        language=language,
        policy_version=submission.policy_version,
        ip_address=submission.ip_address,
        user_agent=submission.user_agent,
    )
    if customer.contact_confirmed_at is None:
        customer_send_confirmation(customer=customer)
    Submission.objects.filter(pk=submission.pk).update(
        customer=customer, pending="", processed_at=timezone.now(), problem=""
    )
    logger.info(
        "submission.processed submission_id=%s customer_id=%s created=%s",
        submission.pk,
        customer.pk,
        created,
    )
    return customer


def submissions_process_pending(*, seconds: float = 4.0, batch: int = 200) -> int:
    """Process what the forms accepted, oldest first, for at most ``seconds`` (beat starts
    this every 5 s; with a backlog, several workers share it: a row being processed is
    skipped by the others). Each submission is its own transaction: one that fails is
    recorded (``problem``) and retried on the next run, and does not hold up the others."""
    deadline = time.monotonic() + seconds
    done = 0
    while time.monotonic() < deadline:
        ids = list(
            Submission.objects.filter(processed_at=None)
            .order_by("received_at")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            break
        for submission_id in ids:
            if time.monotonic() >= deadline:
                break
            try:
                done += submission_process(submission_id=submission_id) is not None
            except Exception as exc:
                Submission.objects.filter(pk=submission_id, processed_at=None).update(
                    problem=type(exc).__name__
                )
                # The class only: an exception's text can quote the values it choked on.
                logger.error(
                    "submission.failed submission_id=%s error=%s",
                    submission_id,
                    type(exc).__name__,
                )
        if len(ids) < batch:
            break
    return done


def confirmation_token(customer: Customer) -> str:
    # Bound to the customer and to the address it was sent to: a changed email voids it.
    return signing.dumps(
        {"c": customer.pk, "e": customer.email_index}, salt=CONFIRMATION_SALT, compress=True
    )


def customer_send_confirmation(*, customer: Customer):
    from django.urls import reverse

    from customers.services.messages import absolute_url, message_queue

    path = reverse("customers:confirm", args=[confirmation_token(customer)])
    return message_queue(
        customer=customer,
        purpose="service",
        template="confirm_contact",
        context={
            "confirm_url": absolute_url(path),
            "valid_days": settings.CONFIRMATION_LINK_DAYS,
        },
    )


class ConfirmationError(Exception):
    pass


@transaction.atomic
def customer_confirm_contact(*, token: str) -> Customer:
    """Mark the contact confirmed. A repeat is harmless; an expired or forged link raises."""
    try:
        payload = signing.loads(
            token, salt=CONFIRMATION_SALT, max_age=settings.CONFIRMATION_LINK_DAYS * 86400
        )
    except signing.SignatureExpired as exc:
        raise ConfirmationError("expired") from exc
    except signing.BadSignature as exc:
        raise ConfirmationError("invalid") from exc
    customer = (
        Customer.objects.select_for_update()
        .filter(pk=payload.get("c"), email_index=payload.get("e"))
        .exclude(status=Customer.Status.ERASED)
        .first()
    )
    if customer is None:
        raise ConfirmationError("invalid")
    if customer.contact_confirmed_at is None:
        customer.contact_confirmed_at = timezone.now()
        customer.save(update_fields=["contact_confirmed_at", "updated_at"])
        customer_touch(customer=customer)
        logger.info("customer.confirmed customer_id=%s", customer.pk)
    return customer


@transaction.atomic
def customer_suspend_email(*, customer: Customer, actor, reason: str) -> bool:
    """Stop using the email channel when fraud is suspected: links are not sent to it and
    requests from it are held until the customer is re-verified another way."""
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
def customer_lift_email_suspension(*, customer: Customer, actor, verification: str) -> bool:
    """The customer was re-verified (by phone): the channel works again, held requests go on."""
    from customers.services.requests import request_release_held

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
    request_release_held(customer=customer, actor=actor)
    logger.info("customer.email_restored customer_id=%s", customer.pk)
    return True
