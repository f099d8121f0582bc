"""The retention sweep: one service for beat's daily run and for ``run_retention``. It plans
per rule, then acts in batches of ids (never personal data), and records in its
``RetentionRun`` what it planned, what each batch did and when the last one finished."""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from customers.core import jobs
from customers.core.actors import Actor
from customers.models import (
    AccountingDocument,
    Customer,
    DestructionList,
    ErasureCertificate,
    LegalHold,
    RetentionRule,
    RetentionRun,
)
from customers.retention import erasure
from customers.retention.notices import CALL, erasure_notice_send
from customers.retention.records import records_delete, records_due
from customers.retention.rules import customer_rules
from customers.retention.rules import rules as retention_rules

logger = logging.getLogger(__name__)
C = RetentionRule.Category
RECORDS_BATCH = "records"


def _batches(ids, size):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def retention_plan(*, now=None) -> dict:
    """What a sweep would do now, per rule, as counts and ids (ids never leave the process
    except as task arguments)."""
    now = now or timezone.now()
    rules = retention_rules()
    plan = {}
    # One plan over every rule that erases customers (after inactivity, after the last
    # service ends): a customer due under both is planned once.
    notice, erase = set(), set()
    for rule in customer_rules():
        notice.update(erasure.due_for_notice(rule, now).values_list("pk", flat=True))
        erase.update(erasure.due_for_erasure(rule, now).values_list("pk", flat=True))
    if customer_rules():
        plan["customer_notice"] = sorted(notice)
        plan["customer_erase"] = sorted(erase)
    plan.update(records_due(rules, now))
    plan["documents_past_period"] = [d.pk for d in documents_past_period(rules, now)]
    return plan


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


def retention_sweep(*, now=None, scheduled=True, dry_run=False, inline=False):
    """Plan a sweep and carry it out: fanned out to the workers (beat's daily run, once a day
    even if two beats run), or in this process (``inline``, the command). A dry run only
    records and returns the plan. Returns the run, or None when today's was already planned."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            run = RetentionRun.objects.create(
                day=timezone.localdate(now), scheduled=scheduled, dry_run=dry_run
            )
    except IntegrityError:
        logger.info("retention.sweep_already_planned day=%s", timezone.localdate(now))
        return None
    plan = retention_plan(now=now)
    notices = list(_batches(plan.get("customer_notice", []), settings.RETENTION_NOTICE_BATCH_SIZE))
    erasures = list(_batches(plan.get("customer_erase", []), settings.RETENTION_BATCH_SIZE))
    pending = [f"notice:{i}" for i in range(len(notices))]
    pending += [f"erase:{i}" for i in range(len(erasures))] + [RECORDS_BATCH]
    run.summary = {"planned": summarise(plan), "done": {}, "pending": [] if dry_run else pending}
    if dry_run:
        run.finished_at = timezone.now()
    run.save(update_fields=["summary", "finished_at"])
    logger.info("retention.sweep_planned run_id=%s %s", run.pk, run.summary["planned"])
    if dry_run:
        return run
    if plan.get("documents_past_period"):
        proposal = destruction_propose(document_ids=plan["documents_past_period"])
        _run_record(run.pk, None, {"destruction_list": proposal.pk if proposal else None})
    work = [(jobs.RETENTION_NOTICE_BATCH, ids, f"notice:{i}") for i, ids in enumerate(notices)]
    work += [(jobs.RETENTION_ERASE_BATCH, ids, f"erase:{i}") for i, ids in enumerate(erasures)]
    if inline:
        for name, ids, batch in work:
            step = (
                retention_notice_batch
                if name == jobs.RETENTION_NOTICE_BATCH
                else retention_erase_batch
            )
            step(customer_ids=ids, run_id=run.pk, batch=batch, now=now)
        retention_delete_old_records(run_id=run.pk, now=now)
        run.refresh_from_db()
        return run
    for name, ids, batch in work:
        transaction.on_commit(lambda n=name, i=ids, b=batch: jobs.enqueue(n, i, run.pk, b))
    transaction.on_commit(lambda: jobs.enqueue(jobs.RETENTION_DELETE_OLD_RECORDS, run.pk))
    return run


def retention_sweep_start(*, now=None, scheduled=True):
    """Beat's daily run."""
    return retention_sweep(now=now, scheduled=scheduled)


def _run_record(run_id, batch, counts: dict) -> None:
    """Add a batch's counts to its run; the run is finished when no batch is pending. A batch
    run twice (a worker died after its commit) is counted once."""
    if run_id is None:
        return
    with transaction.atomic():
        run = RetentionRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            return
        summary = run.summary
        pending = summary.setdefault("pending", [])
        if batch is not None:
            if batch not in pending:
                return
            pending.remove(batch)
        done = summary.setdefault("done", {})
        for key, value in counts.items():
            done[key] = done.get(key, 0) + value if isinstance(value, int) else value
        if not pending and run.finished_at is None:
            run.finished_at = timezone.now()
        run.save(update_fields=["summary", "finished_at"])


def retention_notice_batch(*, customer_ids, run_id=None, batch=None, now=None) -> int:
    """Tell customers, once, that their data will be erased, on which day, and what the law
    makes us keep (and until when): by email, SMS, or a call task for staff (see
    ``retention.notices``). Only those who will actually be erased that day are
    told: one whose erasure is blocked (a legal hold, an open request, a warranty running
    past that day) is told nothing yet, and is told once it is not."""
    now = now or timezone.now()
    sent = withheld = calls = 0
    with transaction.atomic():
        for rule in customer_rules():
            erase_on = timezone.localdate(now + datetime.timedelta(days=rule.notice_days))
            due = list(
                erasure.due_for_notice(rule, now).filter(pk__in=customer_ids).select_for_update()
            )
            blocked = erasure.blockers([c.pk for c in due], on=erase_on)
            due = [c for c in due if c.pk not in blocked]
            withheld += len(blocked)
            kept = erasure.kept_documents([c.pk for c in due])
            told = []
            for customer in due:
                channel = erasure_notice_send(
                    customer=customer,
                    days=rule.notice_days,
                    erase_on=erase_on,
                    kept=kept.get(customer.pk, []),
                    now=now,
                )
                if channel == CALL:
                    calls += 1  # told once the call is made (call_task_done)
                else:
                    told.append(customer.pk)
            sent += len(told)
            Customer.objects.filter(pk__in=told).update(erasure_notice_sent_at=now)
    _run_record(
        run_id,
        batch,
        {"notified": sent, "notice_calls": calls, "notice_withheld_blocked": withheld},
    )
    return sent


def retention_erase_batch(*, customer_ids, run_id=None, batch=None, now=None) -> int:
    now = now or timezone.now()
    total = 0
    for rule in customer_rules():
        erased, _blocked = erasure.customers_erase(
            customer_ids=customer_ids,
            actor=Actor.system("retention"),
            rule=rule,
            trigger=ErasureCertificate.Trigger.INACTIVITY,
            reason=rule.legal_basis[:200],
            only_if=erasure.due_for_erasure_q(rule, now),
            durable=False,
        )
        total += len(erased)
    _run_record(run_id, batch, {"erased": total})
    return total


def retention_delete_old_records(*, run_id=None, now=None, batch=5000) -> dict:
    """Every category of the records table past its period (see ``retention.records``)."""
    done = records_delete(retention_rules(), now or timezone.now(), batch)
    _run_record(run_id, RECORDS_BATCH, done)
    return done


@transaction.atomic
def destruction_propose(*, document_ids) -> DestructionList | None:
    documents = list(AccountingDocument.objects.filter(pk__in=document_ids).order_by("issued_on"))
    if not documents:
        return None
    rules = retention_rules()
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
    actor = Actor.of(actor).require("customers.change_destructionlist")
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
            f"Approved by: {actor.label}",
            f"Council: {council.strip()}",
            f"Documents ({len(lines)}):",
            *lines,
            "Basis: Accounting Law 88/2015 Art 41; Decree 174/2016 Arts 12-16.",
        ]
    )
    destruction_list.status = DestructionList.Status.APPROVED
    destruction_list.approved_by, destruction_list.approved_at = actor.user, now
    destruction_list.council = council.strip()
    destruction_list.save()
    transaction.on_commit(lambda: jobs.enqueue(jobs.DESTRUCTION_EXECUTE, destruction_list.pk))
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


def legal_hold_save(*, hold: LegalHold, actor) -> LegalHold:
    """Place (or edit) a legal hold: while it stands, the customer is not erased and their
    documents are not destroyed. Who placed it is recorded once, on creation."""
    actor = Actor.of(actor).require(
        "customers.add_legalhold" if hold.pk is None else "customers.change_legalhold"
    )
    if hold.pk is None:
        hold.placed_by = actor.user
    hold.save()
    return hold


def legal_holds_release(*, holds, actor) -> int:
    Actor.of(actor).require("customers.change_legalhold")
    return holds.filter(released_at__isnull=True).update(released_at=timezone.now())
