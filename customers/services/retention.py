"""The retention sweep: plan per rule, then act in batches of ids (never personal data)."""

import datetime
import logging

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from consents.models import CookieConsent
from customers.models import (
    AccountingDocument,
    Customer,
    DestructionList,
    ErasureCertificate,
    LegalHold,
    RetentionRule,
    RetentionRun,
    Submission,
)
from customers.services import erasure

logger = logging.getLogger(__name__)
C, A, ACT = RetentionRule.Category, RetentionRule.Anchor, RetentionRule.Action

# category: (months, anchor, action, legal basis, legal minimum months, notice days)
DEFAULT_RULES = {
    C.CUSTOMER: (
        12,
        A.LAST_ACTIVITY,
        ACT.ERASE,
        "Company policy published in the privacy policy (no law sets 12 months); "
        "Law 91/2025 Art 14(1)",
        0,
        30,
    ),
    C.ACC_5Y: (
        60,
        A.FISCAL_YEAR_END,
        ACT.PROPOSE_DESTRUCTION,
        "Accounting Law 88/2015 Art 41(5)(a); Decree 174/2016 Art 12",
        60,
        0,
    ),
    C.ACC_10Y: (
        120,
        A.FISCAL_YEAR_END,
        ACT.PROPOSE_DESTRUCTION,
        "Accounting Law 88/2015 Art 41(5)(b); Decree 174/2016 Art 13",
        120,
        0,
    ),
    C.ACC_PERMANENT: (
        None,
        A.FISCAL_YEAR_END,
        ACT.KEEP,
        "Accounting Law 88/2015 Art 41(5)(c); Decree 174/2016 Art 14",
        0,
        0,
    ),
    C.SUBMISSION: (
        24,
        A.CREATION,
        ACT.DELETE,
        "Evidence of what was submitted; kept while a dispute is plausible",
        0,
        0,
    ),
    C.COOKIE_CONSENT: (
        24,
        A.CREATION,
        ACT.DELETE,
        "Proof of consent (Decree 356 Art 6(2)); choices are asked again after 12 months",
        13,
        0,
    ),
    C.ACCESS_LOG: (
        24,
        A.CREATION,
        ACT.DELETE,
        "System logs at least 12 months (Decree 53/2022); burden of proof",
        12,
        0,
    ),
    C.REQUEST: (
        60,
        A.CLOSURE,
        ACT.DELETE,
        "Proof that requests were answered in time (limitation period for claims)",
        0,
        0,
    ),
    C.INCIDENT: (
        60,
        A.CLOSURE,
        ACT.DELETE,
        "Breach files at least 5 years after remediation (Decree 356 Art 29)",
        60,
        0,
    ),
    C.MARKETING_CONSENT: (
        12,
        A.CREATION,
        ACT.KEEP,
        "Registration and refusal records at least 1 year (Decree 91/2020). Kept: the "
        "ledger proves each current consent, and an erased customer's events hold no "
        "personal data",
        12,
        0,
    ),
}


def retention_rules_ensure() -> None:
    """Create the default rules that are missing; never change a rule staff edited."""
    for category, (months, anchor, action, basis, minimum, notice) in DEFAULT_RULES.items():
        rule, created = RetentionRule.objects.get_or_create(
            category=category,
            defaults={
                "period_months": months,
                "anchor": anchor,
                "action": action,
                "legal_basis": basis,
                "minimum_months": minimum,
                "notice_days": notice,
            },
        )
        if not created and rule.minimum_months != minimum:
            # The legal minimum is ours to keep current, not staff's.
            RetentionRule.objects.filter(pk=rule.pk).update(minimum_months=minimum)


def _rules():
    return {r.category: r for r in RetentionRule.objects.all()}


def _batches(ids, size):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def retention_plan(*, now=None) -> dict:
    """What a sweep would do now, per rule, as counts and ids (ids never leave the process
    except as task arguments)."""
    now = now or timezone.now()
    rules = _rules()
    plan = {}
    customer_rule = rules.get(C.CUSTOMER)
    if customer_rule and customer_rule.period_months is not None:
        plan["customer_notice"] = list(
            erasure.due_for_notice(customer_rule, now).values_list("pk", flat=True)
        )
        plan["customer_erase"] = list(
            erasure.due_for_erasure(customer_rule, now).values_list("pk", flat=True)
        )
    for category, model in ((C.SUBMISSION, Submission), (C.COOKIE_CONSENT, CookieConsent)):
        rule = rules.get(category)
        if rule and rule.action == ACT.DELETE and rule.period_months is not None:
            field = "received_at" if model is Submission else "created_at"
            cutoff = now - relativedelta(months=rule.period_months)
            plan[category] = model.objects.filter(**{f"{field}__lt": cutoff}).count()
    plan.update(_closed_files_due(rules, now))
    plan["documents_past_period"] = [d.pk for d in documents_past_period(rules, now)]
    return plan


def _closed_files_due(rules, now) -> dict:
    from customers.models import AccessLogEntry, DataRequest, Incident

    due = {}
    for category, queryset, field in (
        (C.ACCESS_LOG, AccessLogEntry.objects.filter(seal_seq__isnull=False), "at"),
        (C.REQUEST, DataRequest.objects.all(), "closed_at"),
        (C.INCIDENT, Incident.objects.filter(status=Incident.Status.CLOSED), "closed_at"),
    ):
        rule = rules.get(category)
        if rule and rule.action == ACT.DELETE and rule.period_months is not None:
            cutoff = now - relativedelta(months=rule.period_months)
            due[category] = queryset.filter(**{f"{field}__lt": cutoff}).count()
    return due


def documents_past_period(rules, now):
    today = timezone.localdate(now)
    on_lists = set()
    for ids in DestructionList.objects.exclude(status=DestructionList.Status.DESTROYED).values_list(
        "document_ids", flat=True
    ):
        on_lists.update(ids)
    held = LegalHold.objects.filter(released_at__isnull=True).values("customer_id")
    candidates = (
        AccountingDocument.objects.exclude(
            retention_class=AccountingDocument.RetentionClass.PERMANENT
        )
        .exclude(customer_id__in=held)
        .exclude(pk__in=on_lists)
    )
    oldest_year = today.year  # only years whose shortest period could have ended
    for document in candidates.filter(fiscal_year__lt=oldest_year).iterator():
        until = erasure.document_retained_until(document, rules)
        if until is not None and until < today:
            yield document


def summarise(plan: dict) -> dict:
    return {key: len(value) if isinstance(value, list) else value for key, value in plan.items()}


def retention_sweep_start(*, now=None, scheduled=True) -> RetentionRun | None:
    """Plan today's sweep once (a second beat finds the run already there) and fan it out."""
    from customers import tasks

    now = now or timezone.now()
    try:
        with transaction.atomic():
            run = RetentionRun.objects.create(day=timezone.localdate(now), scheduled=scheduled)
    except IntegrityError:
        logger.info("retention.sweep_already_planned day=%s", timezone.localdate(now))
        return None
    plan = retention_plan(now=now)
    run.summary = {"planned": summarise(plan)}
    run.save(update_fields=["summary"])
    size = settings.RETENTION_BATCH_SIZE
    for ids in _batches(plan.get("customer_notice", []), settings.RETENTION_NOTICE_BATCH_SIZE):
        transaction.on_commit(lambda ids=ids: tasks.retention_notice_batch.delay(ids, run.pk))
    for ids in _batches(plan.get("customer_erase", []), size):
        transaction.on_commit(lambda ids=ids: tasks.retention_erase_batch.delay(ids, run.pk))
    transaction.on_commit(lambda: tasks.retention_delete_old_records.delay(run.pk))
    if plan.get("documents_past_period"):
        destruction_propose(document_ids=plan["documents_past_period"])
    logger.info("retention.sweep_planned run_id=%s %s", run.pk, run.summary["planned"])
    return run


def retention_notice_batch(*, customer_ids, now=None) -> int:
    """Tell customers, once, that their data will be erased for inactivity."""
    from customers.services.messages import message_queue

    now = now or timezone.now()
    rule = _rules()[C.CUSTOMER]
    sent = 0
    with transaction.atomic():
        due = erasure.due_for_notice(rule, now).filter(pk__in=customer_ids).select_for_update()
        for customer in due:
            message_queue(
                customer=customer,
                purpose="service",
                template="erasure_notice",
                context={
                    "days": rule.notice_days,
                    "date": timezone.localdate(
                        now + datetime.timedelta(days=rule.notice_days)
                    ).isoformat(),
                },
            )
            sent += 1
        Customer.objects.filter(pk__in=[c.pk for c in due]).update(erasure_notice_sent_at=now)
    return sent


def retention_erase_batch(*, customer_ids, now=None) -> int:
    rule = _rules()[C.CUSTOMER]
    now = now or timezone.now()
    erased, _blocked = erasure.customers_erase(
        customer_ids=customer_ids,
        actor="system:retention",
        rule=rule,
        trigger=ErasureCertificate.Trigger.INACTIVITY,
        reason=rule.legal_basis[:200],
        only_if=erasure.due_for_erasure_q(rule, now),
        durable=False,
    )
    return len(erased)


def retention_delete_old_records(*, now=None, batch=5000) -> dict:
    """Batched raw deletes by primary-key ranges, one short transaction per batch."""
    now = now or timezone.now()
    rules = _rules()
    done = {}
    for category, model, field in (
        (C.SUBMISSION, Submission, "received_at"),
        (C.COOKIE_CONSENT, CookieConsent, "created_at"),
    ):
        rule = rules.get(category)
        if not rule or rule.action != ACT.DELETE or rule.period_months is None:
            continue
        cutoff = now - relativedelta(months=rule.period_months)
        table = connection.ops.quote_name(model._meta.db_table)
        column = connection.ops.quote_name(model._meta.get_field(field).column)
        total = 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} "  # noqa: S608  # nosec B608
                    f"WHERE {column} < %s ORDER BY id LIMIT %s)",
                    [cutoff, batch],
                )
                deleted = cursor.rowcount
            total += deleted
            if deleted < batch:
                break
        done[category] = total
    done.update(_delete_closed_files(rules, now))
    rule = rules.get(C.ACCESS_LOG)
    if rule and rule.action == ACT.DELETE and rule.period_months is not None:
        from customers.services.access_log import access_log_prune

        done[C.ACCESS_LOG] = access_log_prune(before=now - relativedelta(months=rule.period_months))
    return done


def _delete_closed_files(rules, now, batch=500) -> dict:
    """Incident files and customer requests closed longer ago than their period, in short
    batches, with their stored files. A request an incident was opened from stays as long as
    that incident (incidents go first, so both can leave in the same sweep)."""
    from customers.models import DataRequest, Incident, IncidentNotice, Message

    done = {}
    rule = rules.get(C.INCIDENT)
    if rule and rule.action == ACT.DELETE and rule.period_months is not None:
        old = Incident.objects.filter(
            status=Incident.Status.CLOSED,
            closed_at__lt=now - relativedelta(months=rule.period_months),
        )
        total = 0
        while ids := list(old.values_list("pk", flat=True)[:batch]):
            with transaction.atomic():
                chosen = Incident.objects.filter(pk__in=ids)
                erasure.files_delete_on_commit(chosen, "record_document")
                Message.objects.filter(incident_id__in=ids).update(incident=None)
                IncidentNotice.objects.filter(incident_id__in=ids).delete()
                total += chosen.delete()[1].get(Incident._meta.label, 0)
        done[C.INCIDENT] = total
    rule = rules.get(C.REQUEST)
    if rule and rule.action == ACT.DELETE and rule.period_months is not None:
        old = DataRequest.objects.filter(
            closed_at__lt=now - relativedelta(months=rule.period_months)
        ).exclude(
            pk__in=Incident.objects.filter(source_request__isnull=False).values("source_request_id")
        )
        done[C.REQUEST] = _delete_in_batches(old, batch, file_field="attachment")
    return done


def _delete_in_batches(queryset, batch, file_field=None) -> int:
    model, total = queryset.model, 0
    while ids := list(queryset.values_list("pk", flat=True)[:batch]):
        with transaction.atomic():
            chosen = model.objects.filter(pk__in=ids)
            if file_field:
                erasure.files_delete_on_commit(chosen, file_field)
            total += chosen.delete()[1].get(model._meta.label, 0)
    return total


@transaction.atomic
def destruction_propose(*, document_ids) -> DestructionList | None:
    documents = list(AccountingDocument.objects.filter(pk__in=document_ids).order_by("issued_on"))
    if not documents:
        return None
    rules = _rules()
    return DestructionList.objects.create(
        document_ids=[d.pk for d in documents],
        description=[
            {
                "kind": d.kind,
                "number": d.number,
                "issued_on": d.issued_on.isoformat(),
                "fiscal_year": d.fiscal_year,
                "class": d.retention_class,
                "retained_until": erasure.document_retained_until(d, rules).isoformat(),
            }
            for d in documents
        ],
    )


@transaction.atomic
def destruction_approve(*, destruction_list: DestructionList, actor, council: str) -> bool:
    """A person with the right role approves; the minutes (biên bản) are produced."""
    destruction_list = DestructionList.objects.select_for_update().get(pk=destruction_list.pk)
    if destruction_list.status != DestructionList.Status.PROPOSED:
        return False
    if not council.strip():
        raise ValueError("Name the destruction council.")
    now = timezone.now()
    lines = [
        f"- {d['kind']} {d['number']} ({d['issued_on']}, FY {d['fiscal_year']}, "
        f"kept until {d['retained_until']})"
        for d in destruction_list.description
    ]
    destruction_list.minutes = "\n".join(
        [
            "BIÊN BẢN TIÊU HỦY TÀI LIỆU KẾ TOÁN / MINUTES OF DESTRUCTION OF ACCOUNTING DOCUMENTS",
            f"{settings.ORGANISATION['name']} — {settings.ORGANISATION['tax_code']}",
            f"Date: {timezone.localtime(now):%d/%m/%Y %H:%M}",
            f"Approved by: {actor.get_username()}",
            f"Council: {council.strip()}",
            f"Documents ({len(lines)}):",
            *lines,
            "Basis: Accounting Law 88/2015 Art 41; Decree 174/2016 Arts 12-16.",
        ]
    )
    destruction_list.status = DestructionList.Status.APPROVED
    destruction_list.approved_by, destruction_list.approved_at = actor, now
    destruction_list.council = council.strip()
    destruction_list.save()
    from customers import tasks

    transaction.on_commit(lambda: tasks.destruction_execute.delay(destruction_list.pk))
    return True


def destruction_execute(*, destruction_list_id: int, batch: int = 500) -> int:
    destruction_list = DestructionList.objects.get(pk=destruction_list_id)
    if destruction_list.status != DestructionList.Status.APPROVED:
        return 0
    held = LegalHold.objects.filter(released_at__isnull=True).values("customer_id")
    total = 0
    for ids in _batches(destruction_list.document_ids, batch):
        with transaction.atomic():
            total += (
                AccountingDocument.objects.filter(pk__in=ids)
                .exclude(customer_id__in=held)
                .delete()[0]
            )
    DestructionList.objects.filter(pk=destruction_list_id).update(
        status=DestructionList.Status.DESTROYED, destroyed_at=timezone.now()
    )
    return total
