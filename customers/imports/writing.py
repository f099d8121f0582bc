"""Writing one checked chunk of an import: new customers (encrypted, blind-indexed, in bulk),
the provenance of each, services, accounting documents, consents that came with their proof,
and one access-log entry. A customer already known is never changed: only a service or a
document the file adds to them is written, and nothing already recorded twice."""

import datetime

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from customers.audit.services import access_log
from customers.consents.models import ConsentEvent, Purpose
from customers.consents.services.ledger import consent_record
from customers.core.actors import Actor
from customers.models import (
    AccessLogEntry,
    AccountingDocument,
    Customer,
    ImportBatch,
    ImportedCustomer,
    RetentionRule,
    Service,
)

NOON = datetime.time(12)


def aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, NOON))


def inactivity_cutoff(now) -> datetime.datetime:
    rule = RetentionRule.objects.filter(category=RetentionRule.Category.CUSTOMER).first()
    months = rule.period_months if rule and rule.period_months else 12
    return now - relativedelta(months=months)


def last_activity(row, now) -> datetime.datetime:
    """The retention clock starts from what the file says happened last: the last activity,
    else the latest of the collection date, the document's date and the service's dates that
    have passed; the import itself only when the file says nothing."""
    today = timezone.localdate(now)
    days = [row.last_activity, row.collected_on]
    if row.service:
        days += [row.service["started_on"], row.service["ends_on"]]
    if row.document:
        days.append(row.document["issued_on"])
    known = [day for day in days if day and day <= today]
    if row.last_activity:
        return aware(row.last_activity)
    return aware(max(known)) if known else now


def _basis(row) -> str:
    if row.service:
        return ImportedCustomer.Basis.CONTRACT
    if row.document:
        return ImportedCustomer.Basis.LEGAL_OBLIGATION
    return ImportedCustomer.Basis.LEGITIMATE


def _running(service: dict | None, cutoff) -> bool:
    return bool(service) and (service["ends_on"] is None or service["ends_on"] >= cutoff.date())


def _services(batch, rows, customer_of, today) -> int:
    wanted = {}
    for row in rows:
        if row.service:
            s = row.service
            wanted.setdefault((customer_of[row.number], s["product"], s["started_on"]), s)
    if not wanted:
        return 0
    existing = set(
        Service.objects.filter(customer_id__in={key[0] for key in wanted}).values_list(
            "customer_id", "product", "started_on"
        )
    )
    new = [
        Service(
            customer_id=key[0],
            product=s["product"],
            started_on=s["started_on"],
            ends_on=s["ends_on"],
            status=Service.Status.ENDED
            if s["ends_on"] and s["ends_on"] < today
            else Service.Status.ACTIVE,
            import_batch=batch,
        )
        for key, s in wanted.items()
        if key not in existing
    ]
    Service.objects.bulk_create(new)
    return len(new)


def _documents(batch, rows, customer_of) -> int:
    wanted = {}
    for row in rows:
        if row.document:
            wanted.setdefault((row.document["kind"], row.document["number"]), row)
    if not wanted:
        return 0
    existing = set(
        AccountingDocument.objects.filter(number__in={number for _kind, number in wanted})
        .values_list("kind", "number")
        .order_by()
    )
    new = []
    for key, row in wanted.items():
        if key in existing:
            continue
        d, v = row.document, row.values
        new.append(
            AccountingDocument(
                customer_id=customer_of[row.number],
                kind=d["kind"],
                number=d["number"],
                issued_on=d["issued_on"],
                fiscal_year=d["fiscal_year"],
                amount=d["amount"],
                retention_class=d["retention_class"],
                # As printed on the document; encrypted by the fields, as for any document.
                buyer_name=v["business_name"] or v["full_name"],
                buyer_tax_code=v["tax_code"],
                buyer_address=v["address_office"] or v["address_home"],
                import_batch=batch,
            )
        )
    AccountingDocument.objects.bulk_create(new)
    return len(new)


def _consents(batch, rows, customers_by_row, actor) -> int:
    """Only for customers this import creates, only with proof, as given on their date."""
    purposes = {p.code: p for p in Purpose.objects.all()}
    recorded = 0
    for row in rows:
        customer = customers_by_row.get(row.number)
        if customer is None:
            continue
        for code, given, channel, wording in row.consents:
            if code not in purposes:
                continue
            event = consent_record(
                customer=customer,
                purpose=purposes[code],
                granted=True,
                channel=ConsentEvent.Channel.IMPORT,
                language=customer.preferred_language,
                actor=actor,
                call_reference=f"#{batch.pk}: {channel}"[:100],
                given_at=aware(given),
                wording=wording,
            )
            recorded += event is not None
    return recorded


def write_chunk(batch: ImportBatch, rows, matches, duplicates, *, actor_label: str) -> dict:
    """``rows``: the chunk's rows without errors; ``matches``: {row: known customer id};
    ``duplicates``: {row: earlier row of the file naming the same customer}."""
    now = timezone.now()
    today = timezone.localdate(now)
    cutoff = inactivity_cutoff(now)
    actor = Actor(user=batch.confirmed_by, label=actor_label or batch.confirmed_by_label)
    new_rows = [r for r in rows if r.number not in matches and r.number not in duplicates]
    customers = []
    for row in new_rows:
        values = dict(row.values)
        values["full_name"] = values["full_name"][:200]
        values["business_name"] = values["business_name"][:200]
        values["contact_person"] = values["contact_person"][:200]
        customer = Customer(
            source=Customer.Source.IMPORT, last_activity_at=last_activity(row, now), **values
        )
        customer.__dict__.update(row.indexes)
        customers.append(customer)
    Customer.objects.bulk_create(customers, batch_size=500)
    customers_by_row = {row.number: c for row, c in zip(new_rows, customers, strict=True)}
    customer_of = {number: c.pk for number, c in customers_by_row.items()}
    customer_of.update(matches)
    for number, earlier in sorted(duplicates.items()):
        if number not in customer_of:
            customer_of[number] = customer_of[earlier]
    provenance = [
        ImportedCustomer(
            batch=batch,
            customer_id=customer_of[row.number],
            row=row.number,
            created=row.number in customers_by_row,
            collected_channel=row.collected_channel,
            collected_on=row.collected_on,
            lawful_basis=_basis(row),
            inactive_at_import=row.number in customers_by_row
            and customers_by_row[row.number].last_activity_at < cutoff
            and not _running(row.service, cutoff),
            # A customer already known was told of us before: no notice from the import.
            notice_done=row.number not in customers_by_row,
        )
        for row in rows
        if row.number not in duplicates
    ]
    ImportedCustomer.objects.bulk_create(provenance, batch_size=500, ignore_conflicts=True)
    counts = {
        "rows": len(rows),
        "customers": len(customers),
        "services": _services(batch, rows, customer_of, today),
        "documents": _documents(batch, rows, customer_of),
        "consents": _consents(batch, rows, customers_by_row, actor),
    }
    touched = sorted(set(customer_of.values()))
    if touched:
        access_log(
            actor=actor,
            action=AccessLogEntry.Action.CHANGE,
            customers=touched,
            fields=["import"],
            reason=f"import #{batch.pk}: {len(customers)} created, "
            f"{len(touched) - len(customers)} matched (not changed)",
        )
    return counts
