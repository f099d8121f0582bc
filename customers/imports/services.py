"""Importing customers from a file, as a person decides it: upload (the worker previews),
confirm (the worker imports), cancel, abandon, undo within the undo period; and the DPO's
review of imported customers already past the inactivity period. Every one checks its actor.

The work itself is the worker's: ``customers.imports.run`` (both passes over the file) and
``customers.imports.notices`` (telling the imported customers)."""

import datetime
import logging
import posixpath

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from customers.audit.services import access_log
from customers.core import jobs
from customers.core.actors import Actor
from customers.imports import mapping as column_mapping
from customers.imports.run import file_delete
from customers.imports.undo import undo_written
from customers.models import AccessLogEntry, ColumnMapping, ImportBatch, ImportedCustomer

logger = logging.getLogger(__name__)

NEEDED = ("customers.add_customer", "customers.add_importbatch")


class ImportRefused(Exception):
    """The batch is not in a state that allows this (the message says why, for a person)."""


def undo_until(batch: ImportBatch) -> datetime.datetime | None:
    if batch.finished_at is None:
        return None
    return batch.finished_at + datetime.timedelta(days=settings.IMPORT_UNDO_DAYS)


def _log(actor, batch, what: str) -> None:
    access_log(
        actor=actor,
        action=AccessLogEntry.Action.CHANGE,
        fields=["import"],
        reason=f"import #{batch.pk}: {what}",
    )


def import_upload(*, actor, upload, dry_run: bool = False, enqueue: bool = True) -> ImportBatch:
    """Store the file encrypted, record the batch and have the worker preview it."""
    actor = Actor.of(actor).require(*NEEDED)
    name = posixpath.basename(getattr(upload, "name", "") or "import")[:255]
    with transaction.atomic():
        batch = ImportBatch(
            file_name=name,
            file_size=getattr(upload, "size", 0) or 0,
            created_by=actor.user,
            created_by_label=actor.label,
            dry_run=dry_run,
        )
        batch.file.save(name, upload, save=False)  # encrypted, under a random name
        batch.save()
        _log(actor, batch, "file uploaded")
        if enqueue:
            transaction.on_commit(lambda: jobs.enqueue(jobs.IMPORT_PREVIEW, batch.pk))
    logger.info("import.uploaded batch_id=%s", batch.pk)
    return batch


def _locked(batch) -> ImportBatch:
    return ImportBatch.objects.select_for_update().get(pk=batch.pk)


def import_confirm(*, batch: ImportBatch, actor, enqueue: bool = True) -> ImportBatch:
    """A person has read the preview: the worker now writes what it showed."""
    actor = Actor.of(actor).require(*NEEDED, "consents.add_consentevent")
    with transaction.atomic():
        batch = _locked(batch)
        if batch.status != ImportBatch.Status.PREVIEWED or batch.dry_run:
            raise ImportRefused("not previewed")
        batch.status = ImportBatch.Status.IMPORTING
        batch.confirmed_by, batch.confirmed_by_label = actor.user, actor.label
        batch.confirmed_at = timezone.now()
        batch.progress = 0
        batch.save(
            update_fields=["status", "confirmed_by", "confirmed_by_label", "confirmed_at",
                           "progress"]
        )  # fmt: skip
        _log(actor, batch, "confirmed")
        if enqueue:
            transaction.on_commit(lambda: jobs.enqueue(jobs.IMPORT_RUN, batch.pk))
    return batch


def import_mapping_save(
    *, batch: ImportBatch, actor, mapping: dict, enqueue: bool = True
) -> ImportBatch:
    """A person has said which of the file's columns is which template column: the mapping is
    remembered for the company (the next file with the same headers uses it) and the worker
    previews the file again with it. ValueError if the mapping does not fit the file."""
    actor = Actor.of(actor).require(*NEEDED)
    with transaction.atomic():
        batch = _locked(batch)
        if batch.status not in (ImportBatch.Status.NEEDS_MAPPING, ImportBatch.Status.PREVIEWED):
            raise ImportRefused("not waiting for a mapping")
        if batch.dry_run and batch.status == ImportBatch.Status.PREVIEWED:
            raise ImportRefused("file not kept")
        headers = list(batch.file_headers)
        cleaned = column_mapping.check(mapping, headers)
        remembered, _created = ColumnMapping.objects.update_or_create(
            headers_key=column_mapping.headers_key(headers),
            defaults={"headers": headers, "mapping": cleaned, "created_by_label": actor.label},
        )
        batch.column_mapping = remembered
        batch.status = ImportBatch.Status.UPLOADED
        batch.progress = 0
        batch.save(update_fields=["column_mapping", "status", "progress"])
        _log(actor, batch, f"column mapping #{remembered.pk} saved")
        if enqueue:
            transaction.on_commit(lambda: jobs.enqueue(jobs.IMPORT_PREVIEW, batch.pk))
    return batch


def import_cancel(*, batch: ImportBatch, actor) -> ImportBatch:
    """Stop a batch: before the worker starts, at once; while it reads or writes, between
    two chunks (what an interrupted import had written is then undone by the worker)."""
    actor = Actor.of(actor).require(*NEEDED)
    with transaction.atomic():
        batch = _locked(batch)
        if batch.status in (ImportBatch.Status.PREVIEWING, ImportBatch.Status.IMPORTING):
            batch.cancel_requested = True
            batch.save(update_fields=["cancel_requested"])
        elif batch.status in (
            ImportBatch.Status.UPLOADED,
            ImportBatch.Status.NEEDS_MAPPING,
            ImportBatch.Status.PREVIEWED,
        ):
            batch.status = (
                ImportBatch.Status.ABANDONED
                if batch.status == ImportBatch.Status.PREVIEWED
                else ImportBatch.Status.CANCELLED
            )
            batch.finished_at = timezone.now()
            batch.save(update_fields=["status", "finished_at"])
            file_delete(batch)
        else:
            raise ImportRefused("finished")
        _log(actor, batch, "cancelled")
    return batch


def import_abandon(*, batch: ImportBatch, actor) -> ImportBatch:
    """The preview is not wanted: nothing is imported and the file is deleted."""
    Actor.of(actor).require(*NEEDED)
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise ImportRefused("not previewed")
    return import_cancel(batch=batch, actor=actor)


def import_undo(*, batch: ImportBatch, actor) -> dict:
    """Within the undo period: erase the customers this batch created (through the erasure
    service: certificates, the erasure journal, the access log), delete the services and
    accounting documents it added, and leave every customer that existed before."""
    actor = Actor.of(actor).require(*NEEDED)
    with transaction.atomic():
        batch = _locked(batch)
        until = undo_until(batch)
        if batch.status != ImportBatch.Status.DONE or until is None or until < timezone.now():
            raise ImportRefused("not undoable")
        result = undo_written(batch, actor)
        batch.status, batch.undone_at = ImportBatch.Status.UNDONE, timezone.now()
        batch.save(update_fields=["status", "undone_at"])
        _log(actor, batch, f"undone: {result['erased']} erased, {result['kept']} kept")
    return result


def import_review_done(*, imported_ids, actor) -> int:
    """The DPO has looked at imported customers already past the inactivity period: the
    retention rules apply to them from now on (they were told before any erasure)."""
    actor = Actor.of(actor).require("customers.change_importedcustomer")
    count = ImportedCustomer.objects.filter(
        pk__in=list(imported_ids), inactive_at_import=True, reviewed_at__isnull=True
    ).update(reviewed_at=timezone.now(), reviewed_by_label=actor.label)
    logger.info("import.reviewed count=%s", count)
    return count
