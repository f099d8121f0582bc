from django.core.management.base import BaseCommand

from customers.consents.models import ConsentState
from customers.models import Customer, ErasureCertificate
from privacysite import journal


class Command(BaseCommand):
    help = (
        "Once, when upgrading to the version with the erasure journal: write every erasure "
        "and current consent withdrawal already in the database to the erasure journal, so that "
        "after_restore also re-applies those made before the journal existed. Harmless to "
        "repeat (entries are applied idempotently)."
    )

    def handle(self, *args, **options):
        erased = 0
        certificates = ErasureCertificate.objects.order_by("pk").values_list(
            "customer_id", "customer__created_at", "trigger"
        )
        batch: dict[str, list] = {}
        for customer_id, created, trigger in certificates.iterator(chunk_size=2000):
            batch.setdefault(trigger, []).append((customer_id, created))
            if len(batch[trigger]) == 2000:
                journal.journal_erasures(batch.pop(trigger), trigger=trigger)
            erased += 1
        for trigger, customers in batch.items():
            journal.journal_erasures(customers, trigger=trigger)
        withdrawn = 0
        states = (
            ConsentState.objects.filter(granted=False)
            .exclude(customer__status=Customer.Status.ERASED)
            .values_list("customer_id", "customer__created_at", "purpose__code")
        )
        for customer_id, created, purpose in states.iterator(chunk_size=2000):
            journal.journal_withdrawal(
                customer_id=customer_id, created=created, purpose=purpose, channel="staff"
            )
            withdrawn += 1
        self.stdout.write(f"journalled: {erased} erasures, {withdrawn} consent withdrawals")
