from django.core.management.base import BaseCommand

from customers.core.key_rotation import blind_indexes_rebuild


class Command(BaseCommand):
    help = (
        "Write every customer's search columns again from the stored values: the blind "
        "indexes with the key that writes them now and the folded names of the name search. "
        "Run once after the upgrade that brings the name search (rows a process of the "
        "previous release wrote during the deploy), or whenever a search misses a customer it "
        "should find. Locked batches; rows already right are left alone; --resume ID continues "
        "after an interruption."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--resume", type=int, default=0, metavar="ID")

    def handle(self, *args, batch_size, resume, **options):
        for progress in blind_indexes_rebuild(batch_size=batch_size, start_after=resume):
            self.stdout.write(
                f"{progress.table}: scanned {progress.scanned}, rewritten {progress.rotated} "
                f"(resume with --resume {progress.last_id})"
            )
        self.stdout.write(self.style.SUCCESS("Every customer's search columns are up to date."))
