"""Web-form submissions: the request stores one encrypted row (``submission_accept``), a
worker then finds or creates the customer, merges, records the consents and queues the
confirmation (``submission_process_batch``, a batch per transaction, a savepoint per
submission), beat's 5-second run taking the backlog."""

import hashlib
import json
import logging
import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from customers.consents.models import Purpose
from customers.consents.services.ledger import consents_grant_many
from customers.core.crypto import blind_index
from customers.core.personal_data import normalise_email
from customers.core.selectors import customer_by_email
from customers.messaging.batch import messages_enqueue_batch
from customers.models import Customer, Message, Submission
from customers.records.pending import pending_change_create
from customers.records.services import (
    customer_create,
    customer_send_confirmation,
)
from privacysite.guarded_insert import insert_guarded
from privacysite.http import parse_rate

logger = logging.getLogger(__name__)


class SubmissionRepeated(Exception):
    """The same rendered form with the same content was stored before: a double click, or
    back and send again unchanged. Nothing more is stored; the person is answered as the
    first time."""


class SubmissionLimited(Exception):
    """The sender's limit of accepted forms (``FORM_RATE_LIMIT``) is reached: nothing stored."""


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
    gpc: bool = False,
    key: str | None = None,
    rate: str | None = None,
) -> Submission:
    """Accept a web form while the customer waits: one encrypted INSERT, nothing else (in
    autocommit: a lone INSERT needs no BEGIN and COMMIT around it). The
    rest is done by a worker within seconds (``submissions_process_pending``, every 5 s):
    the row itself is the queue, so a broker outage loses nothing and costs the request
    nothing.

    With ``rate`` ("10/10m"), the same INSERT keeps the public forms' two guards, so that
    they cost no round trip of their own and hold without Redis: the rendered form's
    ``key`` with the same content is stored once (``SubmissionRepeated``: a double click;
    going back to correct what was sent is a new submission), and at most that many forms
    from one address are accepted in any such window (``SubmissionLimited``). Only
    accepted forms count: one with a mistake never reaches here."""
    raw_json = json.dumps(raw, ensure_ascii=False)
    pending_json = json.dumps(
        {
            "data": data,
            "consented": [purpose.code for purpose in consented],
            "channel": consent_channel,
            "gpc": gpc,
        },
        ensure_ascii=False,
    )
    submission = Submission(
        form=form,
        data=raw_json,
        ip_address=ip_address or "",
        user_agent=(user_agent or "")[:300],
        policy_version=policy_version,
        language=language,
        pending=pending_json,
        submission_key=_repeat_key(key, form, raw_json, pending_json),
        sender_index=blind_index(f"sender:{ip_address}") if ip_address else "",
    )
    if rate is None:
        submission.save(force_insert=True)
    else:
        limit, window = parse_rate(rate)
        stored = insert_guarded(
            submission,
            key="submission_key",
            group="sender_index",
            since="received_at",
            after=timezone.now() - timedelta(seconds=window),
            limit=limit,
        )
        if stored is None:
            if key and Submission.objects.filter(submission_key=submission.submission_key).exists():
                raise SubmissionRepeated
            raise SubmissionLimited
    logger.info("submission.accepted submission_id=%s form=%s", submission.pk, form)
    return submission


def _repeat_key(key: str | None, form: str, *stored: str) -> str | None:
    """What makes a repeat: the same rendered form (its random key) with the same content,
    everything stored included (a box ticked after going back is a new submission). A
    digest: the column holds nothing readable, and a key of any length fits."""
    if not key:
        return None
    return hashlib.sha256("\0".join((key, form, *stored)).encode()).hexdigest()


def _email_index(data: dict) -> str:
    email = data.get("email", "")
    return blind_index(normalise_email(email)) if email else ""


def _submission_apply(
    submission: Submission, *, purposes: dict, customers: dict | None = None
) -> tuple[Customer, list[int]]:
    """The steps for one submission, inside the caller's transaction, with its row locked:
    find the customer by email: a new one is created with the purposes ticked and asked
    to confirm; a known one gets a pending change, applied only once the customer confirms
    it through the address on file. Returns the customer and the ids of the messages to hand to
    the broker once the transaction commits. ``customers`` ({email index: customer}, rows
    locked by the caller) saves a lookup per submission; it learns the customers created."""
    pending = json.loads(submission.pending)
    data, form, language = pending["data"], submission.form, submission.language
    actor = "customer (web form)"
    if customers is None:
        customer = customer_by_email(data.get("email", ""), for_update=True)
    else:
        customer = customers.get(_email_index(data))
    created = customer is None
    if created:
        customer = customer_create(
            actor=actor,
            source=Customer.Source.WEB_FORM,
            data={**data, "preferred_language": language},
            reason=form,
        )
        if customers is not None and customer.email_index:
            customers[customer.email_index] = customer
    else:
        # Anyone can type a known address into a public form: nothing changes (values or
        # purposes) until the customer confirms through a link sent to the address on file.
        pending_change_create(customer=customer, submission=submission, pending=pending)
    messages = []
    if created:
        events = consents_grant_many(
            customer=customer,
            purposes=[purposes[code] for code in pending["consented"] if code in purposes],
            channel=pending["channel"],
            language=language,
            policy_version=submission.policy_version,
            ip_address=submission.ip_address,
            user_agent=submission.user_agent,
            gpc=pending.get("gpc", False),
            schedule_receipt=False,  # the confirmation is the receipt
        )
        message = customer_send_confirmation(
            customer=customer, actor=actor, enqueue=False, consents=events
        )
        if message is not None and message.status == Message.Status.QUEUED:
            messages.append(message.pk)
    logger.info(
        "submission.processed submission_id=%s customer_id=%s created=%s",
        submission.pk,
        customer.pk,
        created,
    )
    return customer, messages


def submission_process_batch(ids) -> tuple[dict[int, Customer], dict[int, str]]:
    """Process these submissions, those still waiting and not taken by another worker, in
    one transaction, each all or nothing, the submissions marked processed in one UPDATE and
    their confirmation messages handed to the broker in one publish after the commit.

    A batch is first tried without a savepoint per submission (two round trips each saved):
    if one fails, the whole try is rolled back and the batch done again with a savepoint
    per submission, so that the one that fails is rolled back alone, recorded with its error
    class in ``problem`` and retried on a later run, and the others go on. A batch holding a
    submission that failed before goes the careful way at once.

    Returns ({submission id: customer} processed, {submission id: error class} failed)."""
    try:
        return _batch(ids, careful=False)
    except _TryCarefully:
        return _batch(ids, careful=True)


class _TryCarefully(Exception):
    pass


def _batch(ids, *, careful: bool):
    done, failed, outbox = {}, {}, []
    with transaction.atomic():
        submissions = list(
            Submission.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("policy_version")
            .filter(pk__in=list(ids), processed_at=None)
            .order_by("pk")
        )
        if not submissions:
            return done, failed
        careful = careful or any(s.problem for s in submissions)
        purposes = {p.code: p for p in Purpose.objects.all()}
        customers = _customers_locked(submissions)
        for submission in submissions:
            try:
                if careful:
                    with transaction.atomic():
                        customer, messages = _submission_apply(
                            submission, purposes=purposes, customers=customers
                        )
                else:
                    customer, messages = _submission_apply(
                        submission, purposes=purposes, customers=customers
                    )
            except Exception as exc:
                if not careful:
                    raise _TryCarefully from exc
                # The class only: an exception's text can quote the values it choked on.
                failed[submission.pk] = type(exc).__name__
                logger.error(
                    "submission.failed submission_id=%s error=%s",
                    submission.pk,
                    type(exc).__name__,
                )
                customers = _customers_locked(submissions)  # what the savepoint undid
                continue
            done[submission.pk] = customer
            outbox.extend(messages)
        now = timezone.now()
        processed = [s for s in submissions if s.pk in done]
        for submission in processed:
            submission.customer = done[submission.pk]
            submission.pending, submission.processed_at, submission.problem = "", now, ""
        if processed:
            Submission.objects.bulk_update(
                processed, ["customer", "pending", "processed_at", "problem"]
            )
        for problem in set(failed.values()):
            Submission.objects.filter(
                pk__in=[pk for pk, error in failed.items() if error == problem]
            ).update(problem=problem)
        if outbox:
            transaction.on_commit(lambda: messages_enqueue_batch(message_ids=outbox))
    return done, failed


def _customers_locked(submissions) -> dict:
    """The batch's known customers by email index, locked (in id order), in one query."""
    indexes = set()
    for submission in submissions:
        try:
            indexes.add(_email_index(json.loads(submission.pending)["data"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # its own processing will fail and say why
    indexes.discard("")
    if not indexes:
        return {}
    rows = (
        Customer.objects.select_for_update(of=("self",))
        .filter(email_index__in=sorted(indexes))
        .order_by("pk")
    )
    return {customer.email_index: customer for customer in rows}


def submission_process(*, submission_id: int) -> Customer | None:
    """One submission on its own (a batch of one). A repeat does nothing (None); a failure
    is recorded on the submission and raised."""
    done, failed = submission_process_batch([submission_id])
    if submission_id in failed:
        raise SubmissionFailed(failed[submission_id])
    return done.get(submission_id)


class SubmissionFailed(Exception):
    pass


def submissions_process_pending(*, seconds: float = 4.0, batch: int = 100) -> int:
    """Process what the forms accepted, oldest first, in batches (``submission_process_batch``)
    for at most ``seconds`` (beat starts this every 5 s; with a backlog, several workers
    share it: rows a worker holds are skipped by the others, which go on to the next ones).
    A submission that fails is tried again on the next run, not in this one."""
    deadline = time.monotonic() + seconds
    done, after = 0, 0
    while time.monotonic() < deadline:
        ids = list(
            Submission.objects.filter(processed_at=None, pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            break
        processed, _failed = submission_process_batch(ids)
        done += len(processed)
        after = ids[-1]
        if len(ids) < batch:
            break
    return done
