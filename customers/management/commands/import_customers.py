"""manage.py import_customers FILE [--dry-run] [--yes] [--user USERNAME]"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from customers.core.actors import Actor
from customers.imports.columns import HEADER_OF
from customers.imports.run import import_preview_run, import_write_run
from customers.imports.services import import_confirm, import_upload
from customers.models import ImportIssue

SHOWN = 50


class Command(BaseCommand):
    help = (
        "Import customers, their services and accounting documents from an xlsx or CSV file "
        "laid out as the template (admin: Customer imports → Download the template). The file "
        "is previewed first: what each row would do and every error, by row and column. With "
        "--dry-run nothing else happens; otherwise the rows without errors are imported once "
        "you confirm (or at once with --yes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--yes", action="store_true", help="Import without asking.")
        parser.add_argument("--user", help="The staff member importing (recorded as such).")

    def handle(self, *args, file, dry_run, yes, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor = Actor.system("import_customers")
        if user:
            actor = Actor.of(get_user_model().objects.get(username=user, is_active=True))
        with path.open("rb") as handle:
            batch = import_upload(
                actor=actor, upload=File(handle, name=path.name), dry_run=dry_run, enqueue=False
            )
        batch = import_preview_run(batch_id=batch.pk)
        with translation.override("vi"):
            self._report(batch)
        if dry_run or batch.status != batch.Status.PREVIEWED:
            self.stdout.write("Chạy thử: chưa ghi gì." if dry_run else batch.failure)
            return
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("Nothing imported: add --yes to import without a prompt.")
            if input("Nhập các dòng không có lỗi? [y/N] ").strip().lower() not in {"y", "có"}:
                self.stdout.write("Không nhập gì.")
                return
        import_confirm(batch=batch, actor=actor, enqueue=False)
        batch = import_write_run(batch_id=batch.pk)
        self.stdout.write(
            f"Đã nhập lô #{batch.pk}: {batch.customers_created} khách hàng mới, "
            f"{batch.services_created} dịch vụ, {batch.documents_created} chứng từ, "
            f"{batch.consents_recorded} đồng ý có bằng chứng."
        )

    def _report(self, batch):
        self.stdout.write(
            f"Lô #{batch.pk}: {batch.rows_read} dòng đọc được: {batch.rows_new} khách hàng "
            f"mới, {batch.rows_matched} trùng khách hàng đã có, {batch.rows_error} dòng lỗi."
        )
        issues = ImportIssue.objects.filter(batch=batch).exclude(level=ImportIssue.Level.MATCH)
        for issue in issues[:SHOWN]:
            column = HEADER_OF.get(issue.column, issue.column)
            where = f"Dòng {issue.row}" + (f", cột «{column}»" if column else "")
            self.stdout.write(f"{where}: {issue.message}")
        if issues.count() > SHOWN:
            self.stdout.write(f"… và {issues.count() - SHOWN} vấn đề khác (xem trang quản trị).")
