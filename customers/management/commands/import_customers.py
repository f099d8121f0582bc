"""manage.py import_customers FILE [--dry-run] [--yes] [--user USERNAME]
[--mapping "Template header=File header;..."]"""

import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from customers.core.actors import Actor
from customers.imports import mapping as column_mapping
from customers.imports.columns import BY_HEADER, HEADER_OF
from customers.imports.run import import_preview_run, import_write_run
from customers.imports.services import (
    import_cancel,
    import_confirm,
    import_mapping_save,
    import_upload,
)
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
        parser.add_argument("--language", help="vi or en (default: the site's language)")
        parser.add_argument(
            "--mapping",
            help='For a file laid out differently: "Template header=File header;..." '
            "(remembered: the next file with the same headers needs none).",
        )

    def handle(self, *args, file, dry_run, yes, user=None, language=None, mapping=None, **options):
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
        with translation.override(language or settings.LANGUAGE_CODE):
            batch = self._mapped(batch, actor, mapping)
            self._report(batch)
            if dry_run or batch.status != batch.Status.PREVIEWED:
                self.stdout.write(_("Dry run: nothing was written.") if dry_run else batch.failure)
                return
            if not yes and not self._confirmed():
                self.stdout.write(_("Nothing imported."))
                return
            import_confirm(batch=batch, actor=actor, enqueue=False)
            batch = import_write_run(batch_id=batch.pk)
            self.stdout.write(
                _(
                    "Import #%(id)s done: %(customers)s new customers, %(services)s services, "
                    "%(documents)s documents, %(consents)s consents with their proof."
                )
                % {
                    "id": batch.pk,
                    "customers": batch.customers_created,
                    "services": batch.services_created,
                    "documents": batch.documents_created,
                    "consents": batch.consents_recorded,
                }
            )

    def _mapped(self, batch, actor, given):
        """The batch previewed with the mapping given, or the remembered one; without either,
        a file that does not follow the template stops here, naming its unmatched headers."""
        laid_out_otherwise = batch.status == batch.Status.NEEDS_MAPPING or (
            batch.status == batch.Status.PREVIEWED and batch.column_mapping_id
        )
        if given and laid_out_otherwise:
            try:
                import_mapping_save(
                    batch=batch, actor=actor, mapping=self._parse(given), enqueue=False
                )
            except ValueError as exc:
                import_cancel(batch=batch, actor=actor)
                raise CommandError(_("This mapping does not fit the file: %(why)s.") % {
                    "why": exc
                }) from exc  # fmt: skip
            batch = import_preview_run(batch_id=batch.pk)
        if batch.status == batch.Status.NEEDS_MAPPING:
            headers = column_mapping.unmatched(batch.file_headers)
            import_cancel(batch=batch, actor=actor)
            raise CommandError(
                _(
                    "The file's headers do not follow the template; these match no template "
                    'column: %(headers)s. Give --mapping "Template header=File header;...", '
                    'e.g. --mapping "Họ và tên=%(first)s".'
                )
                % {"headers": "; ".join(f"«{h}»" for h in headers), "first": headers[0]}
            )
        if batch.column_mapping_id:
            self.stdout.write(
                _("Columns mapped with the remembered mapping #%(id)s.")
                % {"id": batch.column_mapping_id}
            )
        return batch

    def _parse(self, given: str) -> dict:
        parsed = {}
        for pair in filter(None, (part.strip() for part in given.split(";"))):
            template, _sep, header = pair.partition("=")
            key = BY_HEADER.get(" ".join(template.casefold().split()))
            if key is None:
                raise ValueError(template.strip())
            parsed[key] = header.strip()
        return parsed

    def _confirmed(self) -> bool:
        if not sys.stdin.isatty():
            raise CommandError("Nothing imported: add --yes to import without a prompt.")
        answer = input(f"{_('Import the rows without errors?')} [y/N] ")
        return answer.strip().lower() in {"y", "yes", "có", "c"}

    def _report(self, batch):
        self.stdout.write(
            _(
                "Import #%(id)s: %(read)s rows read: %(new)s new customers, %(matched)s "
                "matching known customers, %(errors)s rows with errors."
            )
            % {
                "id": batch.pk,
                "read": batch.rows_read,
                "new": batch.rows_new,
                "matched": batch.rows_matched,
                "errors": batch.rows_error,
            }
        )
        issues = ImportIssue.objects.filter(batch=batch).exclude(level=ImportIssue.Level.MATCH)
        for issue in issues[:SHOWN]:
            column = HEADER_OF.get(issue.column, issue.column)
            where = _("Row %(row)s") % {"row": issue.row}
            if column:
                where += ", " + _("column «%(column)s»") % {"column": column}
            self.stdout.write(f"{where}: {issue.message}")
        if issues.count() > SHOWN:
            more = issues.count() - SHOWN
            self.stdout.write(_("… and %(count)s more (see the admin page).") % {"count": more})
