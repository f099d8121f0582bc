from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from customers.core.key_rotation import blind_indexes_rebuild


class Command(BaseCommand):
    help = (
        "Step 2 of changing BLIND_INDEX_KEY: with the new key in BLIND_INDEX_KEY_NEXT (and the "
        "old one still in BLIND_INDEX_KEY) on every process, recompute every customer's search "
        "indexes with the new key, in locked batches. Then make the new key BLIND_INDEX_KEY, "
        "the old one ACCESS_LOG_CHAIN_KEY, empty BLIND_INDEX_KEY_NEXT and restart. Safe to run "
        "again; --resume ID continues after an interruption."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--resume", type=int, default=0, metavar="ID")

    def handle(self, *args, batch_size, resume, **options):
        if not settings.BLIND_INDEX_KEY_NEXT:
            raise CommandError("Set BLIND_INDEX_KEY_NEXT to the new key (everywhere) first.")
        for progress in blind_indexes_rebuild(batch_size=batch_size, start_after=resume):
            self.stdout.write(
                f"{progress.table}: scanned {progress.scanned}, re-indexed {progress.rotated} "
                f"(resume with --resume {progress.last_id})"
            )
        self.stdout.write(self.style.SUCCESS("Every search index now uses the next key."))
