from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from customers.models import RetentionRun
from customers.retention_report import retention_report
from customers.services import retention


class Command(BaseCommand):
    help = (
        "Apply the retention rules now. With --dry-run, print per rule what would happen "
        "(counts only, no personal data) and change nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--language", help="vi or en (default: the site's language)")

    def handle(self, *args, dry_run, language=None, **options):
        plan = retention.retention_plan()
        summary = retention.summarise(plan)
        run = RetentionRun.objects.create(
            day=timezone.localdate(), scheduled=False, dry_run=dry_run, summary={"planned": summary}
        )
        # Each rule in words (the site's language unless --language), then what it reaches.
        with translation.override(language or settings.LANGUAGE_CODE):
            for line in retention_report(plan):
                self.stdout.write(line)
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was changed."))
            return
        done = {"notified": 0, "erased": 0}
        notices = retention._batches(
            plan.get("customer_notice", []), settings.RETENTION_NOTICE_BATCH_SIZE
        )
        for ids in notices:
            done["notified"] += retention.retention_notice_batch(customer_ids=ids)
        for ids in retention._batches(
            plan.get("customer_erase", []), settings.RETENTION_BATCH_SIZE
        ):
            done["erased"] += retention.retention_erase_batch(customer_ids=ids)
        done.update(retention.retention_delete_old_records())
        if plan.get("documents_past_period"):
            proposal = retention.destruction_propose(document_ids=plan["documents_past_period"])
            done["destruction_list"] = proposal.pk if proposal else None
        run.summary = {"planned": summary, "done": done}
        run.finished_at = timezone.now()
        run.save(update_fields=["summary", "finished_at"])
        for key, value in done.items():
            self.stdout.write(f"done: {key}: {value}")
