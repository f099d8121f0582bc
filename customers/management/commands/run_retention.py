from django.core.management.base import BaseCommand

from customers.retention.services import retention_sweep

LABELS = {
    "customer_notice": "customers to notify before erasure",
    "customer_erase": "customers to erase (inactive, notified)",
    "submission": "web-form submissions past their period",
    "cookie_consent": "cookie-consent records past their period",
    "access_log": "access-log entries past their period",
    "request": "closed customer requests past their period",
    "incident": "closed incident files past their period",
    "documents_past_period": "accounting documents to propose for destruction",
}


class Command(BaseCommand):
    help = (
        "Apply the retention rules now (the same sweep as beat's daily run, in this process). "
        "With --dry-run, print per rule what would happen (counts only, no personal data) and "
        "change nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, dry_run, **options):
        run = retention_sweep(scheduled=False, dry_run=dry_run, inline=True)
        for key, count in run.summary["planned"].items():
            self.stdout.write(f"{LABELS.get(key, key)}: {count}")
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was changed."))
            return
        for key, value in run.summary["done"].items():
            self.stdout.write(f"done: {key}: {value}")
