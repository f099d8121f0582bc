from django.core.management.base import BaseCommand

from customers.core.files import files_secure
from customers.core.key_rotation import keys_rotate
from privacysite.key_checks import keys_rotated_journal


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value and uploaded file with the newest key of "
        "FIELD_ENCRYPTION_KEYS. "
        "Put the new key first, run this, then move the old key to "
        "FIELD_ENCRYPTION_RETIRED_KEYS. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--resume",
            nargs="*",
            default=[],
            metavar="TABLE=ID",
            help="Skip rows up to ID in TABLE (the last progress line printed).",
        )

    def handle(self, *args, batch_size, resume, **options):
        start_after = {}
        for item in resume:
            table, _, last_id = item.partition("=")
            start_after[table] = int(last_id)
        for progress in keys_rotate(batch_size=batch_size, start_after=start_after):
            self.stdout.write(
                f"{progress.table}: scanned {progress.scanned}, re-encrypted {progress.rotated} "
                f"(resume with --resume {progress.table}={progress.last_id})"
            )
        files = files_secure()
        self.stdout.write(
            f"uploaded files: re-encrypted {files.rotated}, encrypted {files.encrypted} "
            "(were in clear)"
        )
        keys_rotated_journal()
        self.stdout.write(self.style.SUCCESS("Every encrypted value now uses the newest key."))
        self.stdout.write(
            "Move the old key(s) to FIELD_ENCRYPTION_RETIRED_KEYS and keep them there for "
            "BACKUP_KEEP_DAYS: older backups need them."
        )
