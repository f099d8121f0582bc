"""Erasure: one service for the sweep, deletion requests and staff decisions.

It works on a set of customers in one short transaction: personal fields and blind indexes
wiped, submissions, messages and change history deleted, the personal evidence in consent
events redacted, accounting documents kept for their own legal period, and a certificate
left with no personal data. Blocked, and reported, by a legal hold, an active service, a
running warranty or an open request.
"""

import datetime
import json
import logging

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from customers.audit.services import access_log
from customers.consents.models import ConsentEvent, ConsentState
from customers.core.actors import Actor
from customers.core.personal_data import CUSTOMER_FIELDS
from customers.models import (
    AccessLogEntry,
    AccountingDocument,
    CallTask,
    Customer,
    CustomerChange,
    DataRequest,
    DataRequestEvent,
    ErasureCertificate,
    ImportedCustomer,
    LegalHold,
    Message,
    PendingChange,
    RecipientNotice,
    RetentionRule,
    Service,
    Submission,
    Warranty,
)
from customers.retention.farewell import farewells_queue
from customers.retention.notices import undelivered_notices
from customers.sharing.notices import recipients_notify
from customers.signals import customers_erased
from privacysite.journal import journal_erasures

logger = logging.getLogger(__name__)

WIPED = (
    {f.name: "" for f in CUSTOMER_FIELDS}
    | {f.blind_index: "" for f in CUSTOMER_FIELDS if f.blind_index}
    | {f.search_column: "" for f in CUSTOMER_FIELDS if f.search_column}
    | {"email_suspension_reason": ""}
)


def fiscal_year_end(year: int) -> datetime.date:
    month, day = settings.FISCAL_YEAR_END
    return datetime.date(year, month, day)


def document_retained_until(document: AccountingDocument, rules: dict) -> datetime.date | None:
    """Decree 174/2016 Art 15: counted from the end of the fiscal year; None = permanent."""
    rule = rules.get(document.retention_class)
    if rule is None or rule.period_months is None:
        return None
    return fiscal_year_end(document.fiscal_year) + relativedelta(months=rule.period_months)


def blockers(customer_ids, *, except_request_id=None, on=None) -> dict[int, list[str]]:
    """Why each of these customers cannot be erased now, or on the day ``on`` (a warranty
    ending before then no longer blocks). Customers absent: nothing blocks."""
    today = on or timezone.localdate()
    found: dict[int, list[str]] = {}

    def add(ids, reason):
        for customer_id in ids:
            found.setdefault(customer_id, []).append(reason)

    add(
        LegalHold.objects.filter(customer_id__any=customer_ids, released_at__isnull=True)
        .order_by()
        .values_list("customer_id", flat=True)
        .distinct(),
        "legal_hold",
    )
    add(
        Service.objects.filter(customer_id__any=customer_ids, status=Service.Status.ACTIVE)
        .order_by()
        .values_list("customer_id", flat=True)
        .distinct(),
        "active_service",
    )
    add(
        Warranty.objects.filter(customer_id__any=customer_ids, warranty_until__gte=today)
        .order_by()
        .values_list("customer_id", flat=True)
        .distinct(),
        "running_warranty",
    )
    add(
        DataRequest.objects.filter(customer_id__any=customer_ids, status__in=DataRequest.OPEN)
        .exclude(pk=except_request_id)
        .order_by()
        .values_list("customer_id", flat=True)
        .distinct(),
        "open_request",
    )
    return found


BLOCKER_TEXT = {
    "legal_hold": gettext_lazy("a legal hold"),
    "active_service": gettext_lazy("an active service"),
    "running_warranty": gettext_lazy("a running warranty"),
    "open_request": gettext_lazy("an open request"),
}


def customers_erase(
    *,
    customer_ids,
    actor,
    trigger: str,
    rule: RetentionRule | None = None,
    reason: str = "",
    except_request_id=None,
    only_if=None,
    durable: bool = True,
    reapplied: bool = False,
) -> tuple[list[int], dict[int, list[str]]]:
    """Erase these customers, all or nothing per call. Returns (erased ids, blocked reasons).

    A repeat changes nothing: erased customers are skipped. ``only_if`` (a Q on Customer)
    re-checks, under the row locks, that the customers are still due. ``durable=False`` (the
    sweep) lets PostgreSQL acknowledge the commit before its WAL reaches the disk: a batch
    lost in a crash is whole (one transaction) and the next sweep plans it again.
    ``reapplied`` is for ``after_restore`` only: the erasure already happened once, in a
    database newer than the restored one, so nothing blocks it and nobody is told again (the
    customer had the last message, recipients the request to delete).
    """
    Actor.of(actor).require("customers.erase_customer")
    with transaction.atomic():
        if not durable and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        candidates = (
            Customer.objects.select_for_update()
            .filter(pk__any=customer_ids)
            .exclude(status=Customer.Status.ERASED)
        )
        if only_if is not None:
            candidates = candidates.filter(only_if)
        ids = list(candidates.values_list("pk", flat=True))
        blocked = {} if reapplied else blockers(ids, except_request_id=except_request_id)
        eligible = [i for i in ids if i not in blocked]
        if not eligible:
            return [], blocked
        now = timezone.now()
        kept = kept_documents(eligible)
        customers_erased.send(sender=Customer, customer_ids=eligible)
        if not reapplied:
            # The last message is written now, while the address still exists (issue 15).
            farewells_queue(eligible, kept=kept, trigger=trigger, at=now)
            recipients_notify(customer_ids=eligible, kind=RecipientNotice.Kind.DELETE)
        counts = {
            "submissions": Submission.objects.filter(customer_id__any=eligible).delete()[0],
            "pending_changes": PendingChange.objects.filter(customer_id__any=eligible).delete()[0],
            "messages": Message.objects.filter(customer_id__any=eligible).delete()[0],
            "change_history": CustomerChange.objects.filter(customer_id__any=eligible).delete()[0],
            "warranties": Warranty.objects.filter(customer_id__any=eligible).delete()[0],
            "consent_evidence": ConsentEvent.objects.filter(
                customer_id__any=eligible
            ).redact_personal_evidence(),
            "consent_states": ConsentState.objects.filter(customer_id__any=eligible).delete()[0],
        }
        Service.objects.filter(customer_id__any=eligible).update(notes="")
        files_delete_on_commit(
            DataRequest.objects.filter(customer_id__any=eligible).exclude(attachment="")
        )
        DataRequest.objects.filter(customer_id__any=eligible).update(
            details="", proposed_changes="", previous_values="", attachment=""
        )
        DataRequestEvent.objects.filter(request__customer_id__any=eligible).update(note="")
        Customer.objects.filter(pk__any=eligible).update(
            **WIPED,
            status=Customer.Status.ERASED,
            erased_at=now,
            erasure_notice_sent_at=None,
            updated_at=now,
        )
        _certificates_write(
            eligible,
            kept=kept,
            trigger=trigger,
            rule=rule,
            reason=reason,
            label=Actor.of(actor).label,
            counts=counts,
            at=now,
        )
        access_log(
            actor=actor,
            action=AccessLogEntry.Action.PROCESS,
            customers=eligible,
            fields=["erasure"],
            reason=f"{trigger}: {reason}"[:255],
        )
        # Last, so that a failed step writes no entry; durable before the commit (see journal).
        journal_erasures(
            list(Customer.objects.filter(pk__any=eligible).values_list("pk", "created_at")),
            trigger=trigger,
        )
    logger.info("erasure.done count=%s blocked=%s trigger=%s", len(eligible), len(blocked), trigger)
    return eligible, blocked


def _certificates_write(ids, *, kept, trigger, rule, reason, label, counts, at) -> None:
    """One certificate per erased customer. Those with nothing kept (most) are written by one
    INSERT … SELECT over the id array on PostgreSQL; the others carry their own list."""
    plain = [i for i in ids if i not in kept]
    if plain and connection.vendor == "postgresql":
        table = ErasureCertificate._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (customer_id, erased_at, trigger, rule_id, reason, "  # noqa: S608  # nosec B608
                "actor_label, kept, counts) SELECT c, %s, %s, %s, %s, %s, '[]'::jsonb, "
                "%s::jsonb FROM unnest(%s::bigint[]) AS c",
                [at, trigger, rule.pk if rule else None, reason, label, json.dumps(counts), plain],
            )
        ids = [i for i in ids if i in kept]
    ErasureCertificate.objects.bulk_create(
        ErasureCertificate(
            customer_id=i,
            erased_at=at,
            trigger=trigger,
            rule=rule,
            reason=reason,
            actor_label=label,
            kept=kept.get(i, []),
            counts=counts,
        )
        for i in ids
    )


def files_delete_on_commit(queryset, field: str = "attachment") -> None:
    """Delete the stored files of these rows once the transaction that forgets them commits
    (a rolled-back erasure keeps them)."""
    storage = queryset.model._meta.get_field(field).storage
    names = [name for name in queryset.values_list(field, flat=True) if name]

    def delete():
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete)


def kept_documents(customer_ids) -> dict[int, list[dict]]:
    """What the law makes us keep, per customer: accounting documents with their end date."""
    rules = {r.category: r for r in RetentionRule.objects.all()}
    kept: dict[int, list[dict]] = {}
    for document in AccountingDocument.objects.filter(customer_id__any=customer_ids):
        until = document_retained_until(document, rules)
        kept.setdefault(document.customer_id, []).append(
            {
                "what": f"{document.get_kind_display()} {document.number}",
                "why": document.get_retention_class_display(),
                "until": until.isoformat() if until else "permanent",
            }
        )
    return kept


def customer_erase(
    *, customer: Customer, actor, trigger: str, reason: str = "", except_request_id=None
) -> ErasureCertificate:
    """Erase one customer or raise ``ErasureBlocked`` with the reasons."""
    erased, blocked = customers_erase(
        customer_ids=[customer.pk],
        actor=actor,
        trigger=trigger,
        reason=reason,
        except_request_id=except_request_id,
    )
    if customer.pk in blocked:
        raise ErasureBlocked(blocked[customer.pk])
    return ErasureCertificate.objects.get(customer_id=customer.pk)


class ErasureBlocked(Exception):
    def __init__(self, reasons):
        self.reasons = reasons
        super().__init__(", ".join(str(BLOCKER_TEXT[r]) for r in reasons))


# --- The inactivity sweep -------------------------------------------------------------------


def _inactive(cutoff) -> Q:
    """No activity and no service since ``cutoff`` (a condition, so that a batch can re-check
    it under its row locks without joining the table to itself)."""
    ended_recently = Service.objects.filter(customer=OuterRef("pk")).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=cutoff.date()) | Q(status=Service.Status.ACTIVE)
    )
    return Q(last_activity_at__lt=cutoff) & ~Q(Exists(ended_recently))


def inactive_since(cutoff):
    """Customers with no activity and no service since ``cutoff`` (not erased)."""
    return Customer.objects.exclude(status=Customer.Status.ERASED).filter(_inactive(cutoff))


def _service_ended(cutoff) -> Q:
    """Had a service, none running, the last one ended before ``cutoff``, and no activity
    since then either (a customer who came back is not erased)."""
    running = Service.objects.filter(customer=OuterRef("pk")).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=cutoff.date()) | Q(status=Service.Status.ACTIVE)
    )
    had = Service.objects.filter(customer=OuterRef("pk"))
    return Q(last_activity_at__lt=cutoff) & Q(Exists(had)) & ~Q(Exists(running))


def _due(rule: RetentionRule, cutoff) -> Q:
    if rule.anchor == RetentionRule.Anchor.SERVICE_END:
        return _service_ended(cutoff)
    return _inactive(cutoff)


def awaiting_import_review():
    """Imported already past the inactivity period: the DPO looks at them first (the list
    *Imported customers to review before erasure*); told, never erased, until then."""
    return ImportedCustomer.objects.filter(
        customer=OuterRef("pk"), inactive_at_import=True, reviewed_at__isnull=True
    )


def due_for_erasure_q(rule: RetentionRule, now=None) -> Q:
    now = now or timezone.now()
    due = _due(rule, now - relativedelta(months=rule.period_months))
    due &= ~Exists(awaiting_import_review())
    if rule.notice_days:
        # Told (by email, SMS or a call made) at least the notice period ago: a customer
        # never told is never erased under a rule that promises notice (issue 28 §5).
        notice_cutoff = now - datetime.timedelta(days=rule.notice_days)
        due &= Q(erasure_notice_sent_at__lte=notice_cutoff) & ~Exists(undelivered_notices())
    return due


def due_for_erasure(rule: RetentionRule, now=None):
    return Customer.objects.exclude(status=Customer.Status.ERASED).filter(
        due_for_erasure_q(rule, now)
    )


def due_for_notice(rule: RetentionRule, now=None):
    if not rule.notice_days:
        return Customer.objects.none()  # the rule promises no notice
    now = now or timezone.now()
    cutoff = (
        now - relativedelta(months=rule.period_months) + datetime.timedelta(days=rule.notice_days)
    )
    # Whoever has a call to tell them waiting is not planned again each day.
    call_waiting = CallTask.objects.filter(
        customer=OuterRef("pk"), purpose=CallTask.ERASURE_NOTICE, done_at__isnull=True
    )
    return (
        Customer.objects.exclude(status=Customer.Status.ERASED)
        .filter(_due(rule, cutoff))
        # Not told yet, or told by a message that never arrived.
        .filter(Q(erasure_notice_sent_at__isnull=True) | Exists(undelivered_notices()))
        .exclude(Exists(call_waiting))
    )
