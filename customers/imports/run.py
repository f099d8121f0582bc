"""The worker's two passes over an import file: the preview (reads, checks, matches and
records what it found, writes no customer) and the import (the same reading again, now
writing), chunk by chunk, each chunk one transaction, with the batch's progress updated
after each chunk and a cancel honoured between chunks. The file is decrypted into memory
(the storage's tokens are whole-file Fernet tokens) and read from there row by row."""

import datetime
import io
import logging
import time
from contextlib import contextmanager
from itertools import islice

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from customers.audit.services import access_log
from customers.core import jobs
from customers.core.actors import Actor
from customers.core.roles import Role
from customers.imports import writing
from customers.imports.columns import MESSAGES, parse_row
from customers.imports.mapping import NeedsMapping, columns_for
from customers.imports.matching import Seen, existing_matches
from customers.imports.reader import Progress, UnreadableFile, read_rows
from customers.imports.undo import undo_written
from customers.messaging.services import absolute_url
from customers.models import (
    AccessLogEntry,
    AccountingDocument,
    ImportBatch,
    ImportedCustomer,
    ImportIssue,
    Service,
)
from customers.staff.services import staff_emails

logger = logging.getLogger(__name__)

CHUNK = 1000
PROGRESS_EVERY = 2.0  # seconds between progress writes at most


class Cancelled(Exception):
    pass


@contextmanager
def opened(batch: ImportBatch):
    with batch.file.open("rb") as stored:
        data = stored.read()
    yield io.BytesIO(data)


def _issue(batch, row_number, issue, customer_id=None) -> ImportIssue:
    return ImportIssue(
        batch=batch,
        row=row_number,
        column=issue.column,
        level=issue.level,
        code=issue.code,
        message=str(MESSAGES[issue.code] % issue.params if issue.params else MESSAGES[issue.code]),
        customer_id=customer_id,
    )


def _match_issue(batch, row_number, customer_id) -> ImportIssue:
    return ImportIssue(
        batch=batch,
        row=row_number,
        column="",
        level=ImportIssue.Level.MATCH,
        code="matched",
        message=str(MESSAGES["matched"]),
        customer_id=customer_id,
    )


def _same_as_issue(batch, row_number, earlier) -> ImportIssue:
    return ImportIssue(
        batch=batch,
        row=row_number,
        column="",
        level=ImportIssue.Level.MATCH,
        code="duplicate_in_file",
        message=str(MESSAGES["duplicate_in_file"] % {"row": earlier}),
    )


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def walk(batch: ImportBatch, *, write: bool, actor_label: str = "") -> ImportBatch:
    """One pass over the file; counters and issues recorded on the batch as it goes. The
    issues' messages are stored in Vietnamese (screens show them in the reader's language,
    from their code)."""
    with translation.override("vi"):
        return _walk(batch, write=write, actor_label=actor_label)


def _walk(batch: ImportBatch, *, write: bool, actor_label: str) -> ImportBatch:
    today = timezone.localdate()
    progress = Progress()
    # The import pass knows how many rows the preview read (an xlsx whose sheet does not
    # state its size gives the reader no other measure).
    expected = batch.rows_read if write else 0
    counters = dict.fromkeys(("rows_read", "rows_new", "rows_matched", "rows_error"), 0)
    last_write = time.monotonic()
    seen = Seen()
    with opened(batch) as stream:
        rows = read_rows(stream, size=batch.file_size, progress=progress)
        header = next(rows, None) or []
        mapping, unknown = columns_for(batch, header)
        if "full_name" not in mapping.values():
            if not write:
                ImportIssue.objects.create(
                    batch=batch,
                    row=1,
                    level=ImportIssue.Level.ERROR,
                    code="header_missing",
                    message=str(MESSAGES["header_missing"]),
                )
            raise UnreadableFile("header")
        if unknown and not write:
            ImportIssue.objects.bulk_create(
                ImportIssue(batch=batch, row=1, column=name[:100], level="warning",
                            code="header_unknown", message=str(MESSAGES["header_unknown"]))
                for name in unknown
            )  # fmt: skip
        numbered = enumerate(rows, start=2)
        for chunk in _chunks(numbered, CHUNK):
            parsed = []
            for number, cells in chunk:
                if not any(cells):
                    continue  # a blank line is no row
                values = {key: cells[i] for i, key in mapping.items() if i < len(cells)}
                parsed.append(parse_row(number, values, today=today))
            counters["rows_read"] += len(parsed)
            good = [row for row in parsed if row.ok]
            matches = existing_matches(good)
            duplicates = {}
            for row in good:
                earlier = seen.earlier(row)
                if earlier is not None and row.number not in matches:
                    duplicates[row.number] = earlier
            issues = []
            for row in parsed:
                if not write:
                    issues += [_issue(batch, row.number, i) for i in row.issues]
                    if row.ok and row.number in matches:
                        issues.append(_match_issue(batch, row.number, matches[row.number]))
                    elif row.number in duplicates:
                        issues.append(_same_as_issue(batch, row.number, duplicates[row.number]))
            known = matches.keys() | duplicates.keys()
            counters["rows_error"] += sum(not row.ok for row in parsed)
            counters["rows_matched"] += sum(row.ok and row.number in known for row in parsed)
            counters["rows_new"] += sum(row.ok and row.number not in known for row in parsed)
            with transaction.atomic():
                if issues:
                    ImportIssue.objects.bulk_create(issues, batch_size=CHUNK)
                if matches and not write:  # the preview looked customers up: logged
                    access_log(
                        actor=Actor(user=batch.created_by, label=batch.created_by_label),
                        action=AccessLogEntry.Action.SEARCH,
                        customers=set(matches.values()),
                        fields=["import"],
                        reason=f"import #{batch.pk}: preview matched these customers",
                    )
                if write:
                    written = writing.write_chunk(
                        batch, good, matches, duplicates, actor_label=actor_label
                    )
                    ImportBatch.objects.filter(pk=batch.pk).update(
                        rows_written=F("rows_written") + written["rows"],
                        customers_created=F("customers_created") + written["customers"],
                        services_created=F("services_created") + written["services"],
                        documents_created=F("documents_created") + written["documents"],
                        consents_recorded=F("consents_recorded") + written["consents"],
                    )
            now = time.monotonic()
            if now - last_write >= PROGRESS_EVERY or write:
                last_write = now
                fraction = progress.fraction
                if expected:  # the preview counted the rows: a surer measure than bytes
                    fraction = min(counters["rows_read"] / expected, 0.99)
                _progress(batch, counters, fraction)
    _progress(batch, counters, 1.0)
    return batch


def _progress(batch: ImportBatch, counters: dict, fraction: float) -> None:
    """Record how far the pass is; raise Cancelled if a person asked to stop."""
    ImportBatch.objects.filter(pk=batch.pk).update(progress=fraction, **counters)
    if ImportBatch.objects.filter(pk=batch.pk, cancel_requested=True).exists():
        raise Cancelled()


def time_left(batch: ImportBatch) -> float | None:
    """Seconds the current pass should still take, from its pace so far (None: unknown)."""
    if batch.status not in (ImportBatch.Status.PREVIEWING, ImportBatch.Status.IMPORTING):
        return None
    if not batch.step_started_at or batch.progress <= 0.01:
        return None
    elapsed = (timezone.now() - batch.step_started_at).total_seconds()
    return max(elapsed * (1 - batch.progress) / batch.progress, 0)


def file_delete(batch: ImportBatch) -> None:
    """The uploaded file is deleted once the batch is imported, cancelled or abandoned."""
    if batch.file:
        name = batch.file.name
        ImportBatch.objects.filter(pk=batch.pk).update(file="")
        transaction.on_commit(lambda: batch.file.storage.delete(name))
        logger.info("import.file_deleted batch_id=%s", batch.pk)


def _claim(batch_id: int, start: str, to: str) -> ImportBatch | None:
    now = timezone.now()
    claimed = ImportBatch.objects.filter(pk=batch_id, status=start).update(
        status=to, step_started_at=now, progress=0
    )
    return ImportBatch.objects.get(pk=batch_id) if claimed else None


def _fail(batch: ImportBatch, why: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.FAILED, failure=why[:255], finished_at=timezone.now()
    )
    file_delete(batch)


def import_preview_run(*, batch_id: int) -> ImportBatch | None:
    """The worker's preview: every row read, checked and matched; nothing else written."""
    batch = _claim(batch_id, ImportBatch.Status.UPLOADED, ImportBatch.Status.PREVIEWING)
    if batch is None:
        return None  # a repeat, or cancelled before it started
    ImportIssue.objects.filter(batch=batch).delete()
    try:
        walk(batch, write=False)
    except Cancelled:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.CANCELLED, finished_at=timezone.now()
        )
        file_delete(batch)
        return batch
    except UnreadableFile as exc:
        _fail(batch, f"unreadable: {exc}")
        return batch
    except NeedsMapping as exc:  # a person says which column is which (header names only)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.NEEDS_MAPPING, file_headers=exc.headers[:200]
        )
        logger.info("import.needs_mapping batch_id=%s", batch.pk)
        batch.refresh_from_db()
        return batch
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.PREVIEWED)
    if batch.dry_run:  # a dry run ends with its preview: the file is not kept
        ImportBatch.objects.filter(pk=batch.pk).update(finished_at=timezone.now())
        file_delete(batch)
    logger.info("import.previewed batch_id=%s", batch.pk)
    batch.refresh_from_db()
    return batch


def _tell_the_dpo(batch: ImportBatch) -> None:
    """Customers already past the inactivity period came in: the DPO hears of it now, before
    the first sweep (which tells them but erases none until the DPO has looked)."""
    count = ImportedCustomer.objects.filter(batch=batch, inactive_at_import=True).count()
    recipients = staff_emails(Role.DPO)
    if not count or not recipients:
        return
    path = reverse("admin:customers_importedcustomerreview_changelist")
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            f"[privacysite] import #{batch.pk}",
            gettext(
                "Import #%(id)s brought in %(count)s customers who had no activity for longer "
                "than the retention period. The retention sweep tells them, and erases none of "
                "them until you have reviewed them: %(url)s"
            )
            % {"id": batch.pk, "count": count, "url": absolute_url(path)},
            None,
            recipients,
        )


def import_write_run(*, batch_id: int) -> ImportBatch | None:
    """The worker's import, after a person confirmed the preview."""
    batch = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.IMPORTING).first()
    if batch is None or not batch.file:
        return None
    ImportBatch.objects.filter(pk=batch.pk).update(step_started_at=timezone.now())
    batch.refresh_from_db()
    try:
        walk(batch, write=True, actor_label=batch.confirmed_by_label)
    except Cancelled:
        undo_written(batch, batch.confirmed_by_label)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.CANCELLED, finished_at=timezone.now()
        )
        file_delete(batch)
        return batch
    except UnreadableFile as exc:
        _fail(batch, f"unreadable: {exc}")
        return batch
    except jobs.TRANSIENT_ERRORS:
        raise  # retried: the chunks already written match, and are not written twice
    except Exception as exc:
        # A bug or bad data: what was written is taken back, the batch says it failed.
        undo_written(batch, batch.confirmed_by_label)
        _fail(batch, type(exc).__name__)
        raise
    # Counted from what is recorded, so that a pass retried after a lost connection counts
    # each customer, service and document once.
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.DONE,
        finished_at=timezone.now(),
        customers_created=ImportedCustomer.objects.filter(batch=batch, created=True).count(),
        services_created=Service.objects.filter(import_batch=batch).count(),
        documents_created=AccountingDocument.objects.filter(import_batch=batch).count(),
    )
    file_delete(batch)
    _tell_the_dpo(batch)
    transaction.on_commit(lambda: jobs.enqueue(jobs.IMPORT_NOTICES, batch.pk))
    logger.info("import.done batch_id=%s", batch.pk)
    batch.refresh_from_db()
    return batch


def imports_abandon_stale(*, now=None) -> int:
    """Previews nobody confirmed (and files nobody mapped) in ``IMPORT_ABANDON_HOURS``:
    abandoned, their file deleted."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.IMPORT_ABANDON_HOURS)
    stale = ImportBatch.objects.filter(
        # (a preview whose worker died stays "previewing": abandoned with the others)
        status__in=[
            ImportBatch.Status.PREVIEWED,
            ImportBatch.Status.UPLOADED,
            ImportBatch.Status.NEEDS_MAPPING,
            ImportBatch.Status.PREVIEWING,
        ],
        created_at__lt=cutoff,
    )
    count = 0
    for batch in stale:
        with transaction.atomic():
            updated = ImportBatch.objects.filter(pk=batch.pk, status=batch.status).update(
                status=ImportBatch.Status.ABANDONED, finished_at=now
            )
            if updated:
                file_delete(batch)
                count += 1
    return count
