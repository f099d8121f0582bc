from django.core.management.base import BaseCommand

from customers.retention.journal_marks import journal_mark
from privacysite.journal import journal_store


class Command(BaseCommand):
    # A backup runs even while a system check fails elsewhere (it is what you want then).
    requires_system_checks = []
    help = (
        "Record the erasure journal's head in the database (scripts/backup.sh runs it just "
        "before its dump): a restore of that dump then refuses a journal that does not hold "
        "every entry up to it. Starts the journal if it was never started."
    )

    def handle(self, *args, **options):
        mark = journal_mark()
        self.stdout.write(
            f"journal {journal_store()} marked at {mark.head} ({mark.entries} entries)"
        )
