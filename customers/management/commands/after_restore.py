from django.core.management.base import BaseCommand, CommandError

from customers.retention.journal_marks import JournalUnproven
from customers.retention.restore import restore_reapply


class Command(BaseCommand):
    help = (
        "Run once after restoring a backup, before web, worker and beat start again: applies "
        "again every erasure and consent withdrawal recorded in the erasure journal that the "
        "restored database predates, ends every session, re-encrypts values under a retired "
        "key and writes the search indexes again with the current BLIND_INDEX_KEY. Safe to "
        "run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--journal",
            action="append",
            metavar="PATH",
            help="An old per-machine journal (an erasures.jsonl file or a journal folder) to "
            "read as well as the configured one. Repeat for several machines.",
        )
        parser.add_argument(
            "--without-mark",
            action="store_true",
            help="Accept a backup that records no journal mark (written before marks "
            "existed): check yourself that the journal is this backup's, whole.",
        )
        parser.add_argument(
            "--no-rotate", action="store_true", help="Skip re-encrypting with the newest key."
        )
        parser.add_argument(
            "--resume-index",
            type=int,
            default=0,
            metavar="ID",
            help="Continue re-indexing after this customer id (printed in the log lines "
            "restore.reindexed of an interrupted run).",
        )

    def handle(self, *args, journal, no_rotate, resume_index, without_mark, **options):
        try:
            report = restore_reapply(
                journal_paths=journal,
                rotate_keys=not no_rotate,
                index_start_after=resume_index,
                require_mark=not without_mark,
            )
        except JournalUnproven as unproven:
            what = (
                "The erasure journal is missing"
                if unproven.missing
                else "The erasure journal does not hold every entry up to this backup's mark"
            )
            raise CommandError(
                f"{what} ({unproven.where}: {unproven.reason}). The erasures and withdrawals "
                "made since this backup cannot all be applied again, so the restored database "
                "may hold customers who were erased. Nothing was changed. Point "
                "ERASURE_JOURNAL_URL (or ERASURE_JOURNAL) at the journal the site wrote, whole "
                "(see docs/operations.md, Backups and restore), and run after_restore again."
            ) from None
        self.stdout.write(f"journal entries read: {report.entries}")
        self.stdout.write(f"customers erased again: {len(report.erased)}")
        self.stdout.write(f"consent withdrawals applied again: {report.withdrawn}")
        if report.reused_ids:
            self.stdout.write(
                f"journalled ids now held by another customer (left alone): {report.reused_ids}"
            )
        self.stdout.write(f"files no row names any more, deleted: {report.orphan_files}")
        for lost in report.lost_requests:
            self.stdout.write(
                self.style.WARNING(
                    f"request {lost['reference']} ({lost['request_kind']}, due {lost['due_on']}, "
                    f"customer #{lost['customer_id']}) was received after this backup and is "
                    "lost: ask the customer to send it again"
                )
            )
        self.stdout.write(f"sessions ended: {report.sessions_ended}")
        self.stdout.write(f"values re-encrypted with the newest key: {report.reencrypted}")
        self.stdout.write(
            f"customers re-indexed with the current BLIND_INDEX_KEY: {report.reindexed}"
        )
        self.stdout.write(
            self.style.SUCCESS("The restored database keeps the journalled promises.")
        )
