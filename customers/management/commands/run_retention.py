from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
                self.stdout.write(self.style.WARNING(_("Dry run: nothing was changed.")))
                return
            for key, value in run.summary["done"].items():
                label = DONE.get(key)
                self.stdout.write(f"{label if label else key}: {value}")


# What the sweep did, in words (the keys of RetentionRun.summary["done"]).
DONE = {
    "notified": gettext_lazy("customers told of their coming erasure"),
    "notice_calls": gettext_lazy("calls to make to tell a customer"),
    "notice_withheld_blocked": gettext_lazy("customers not told yet (their erasure is blocked)"),
    "erased": gettext_lazy("customers erased"),
    "destruction_list": gettext_lazy("destruction list proposed (number)"),
}
