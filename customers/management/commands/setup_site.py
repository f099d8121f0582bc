from django.conf import settings
from django.core.management.base import BaseCommand

from customers.audit.key_consistency import keys_record
from customers.consents.selectors import consents_cache_clear, policy_current
from customers.consents.services.seed import consents_seed
from customers.models import JournalMark, KeysInForce
from customers.retention.journal_marks import journal_mark
from customers.retention.rules import retention_rules_ensure
from customers.staff.services import agreement_ensure_exists, roles_setup
from privacysite.journal import journal_open, journal_store
from privacysite.translations import translations_compile


class Command(BaseCommand):
    help = (
        "First run of a production install, after migrate: staff roles, retention rules, the "
        "purposes and cookie categories, the staff confidentiality agreement, and privacy "
        "policy v1 published from the ORG_* and DPO_* settings; compiles the translations. "
        "Changes nothing that exists (a published policy is edited as a new version in the "
        "admin). Public forms refuse submissions until a policy is published."
    )

    def handle(self, *args, **options):
        had_policy = policy_current() is not None
        roles_setup()
        retention_rules_ensure()
        consents_seed()
        agreement_ensure_exists()
        consents_cache_clear()  # every process's copy: forms open now, not in a minute
        if journal_open():
            self.stdout.write(f"Started the erasure journal at {journal_store()}.")
        if not JournalMark.objects.exists():  # a dump of this database names its journal
            journal_mark()
        if not KeysInForce.objects.exists():  # the keys every node must run on
            keys_record()
        for po_path, percent in translations_compile():
            self.stdout.write(f"compiled {po_path.name} ({po_path.parent.parent.name}): {percent}%")
        policy = policy_current()
        org = settings.ORGANISATION
        if had_policy:
            self.stdout.write(f"Privacy policy v{policy.number} was already published: unchanged.")
        else:
            self.stdout.write(
                f"Published privacy policy v{policy.number} naming {org['name']} "
                f"(tax code {org['tax_code']}); review it at /privacy/ and in the admin."
            )
        self.stdout.write(self.style.SUCCESS("The site is ready to collect data."))
