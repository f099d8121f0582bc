from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from customers.retention.report import retention_report
from customers.retention.services import retention_plan, retention_sweep


class Command(BaseCommand):
    help = (
        "Apply the retention rules now (the same sweep as beat's daily run, in this process). "
        "With --dry-run, print per rule what would happen (counts only, no personal data) and "
        "change nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--language", help="vi or en (default: the site's language)")

    def handle(self, *args, dry_run, language=None, **options):
        # Each rule in words (the site's language unless --language), then what it reaches.
        with translation.override(language or settings.LANGUAGE_CODE):
            for line in retention_report(retention_plan()):
                self.stdout.write(line)
        run = retention_sweep(scheduled=False, dry_run=dry_run, inline=True)
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was changed."))
            return
        for key, value in run.summary["done"].items():
            self.stdout.write(f"done: {key}: {value}")
