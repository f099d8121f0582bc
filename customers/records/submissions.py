"""Web-form submissions: the request stores one encrypted row (``submission_accept``), a
worker then finds or creates the customer, merges, records the consents and queues the
confirmation (``submission_process``), beat's 5-second run taking the backlog."""

import json
import logging
import time

from django.db import transaction
from django.utils import timezone

from consents.models import Purpose
from consents.services.ledger import consents_grant_many
from customers.core.selectors import customer_by_email
from customers.models import Customer, Submission
from customers.records.services import (
    customer_create,
    customer_send_confirmation,
    customer_touch,
    customer_update,
)

logger = logging.getLogger(__name__)


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
    """Accept a web form while the customer waits: one encrypted INSERT, nothing else (in
    autocommit: a lone INSERT needs no BEGIN and COMMIT around it). The
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
