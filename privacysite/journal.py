"""The promise journal: erasures, consent withdrawals and requests, kept outside the database.

A restored backup predates whatever happened after its dump: customers erased since then come
back, withdrawn consents are granted again. The database cannot remember what it has lost, so
each erasure and withdrawal is also written here, before its transaction commits, to storage
that is NOT part of the database or its dumps, that every node shares, and that lives at least
as long as the oldest backup. ``manage.py after_restore`` reads it whole and applies every
entry again.

Where (``privacysite.journal_store``): with ``STORAGES["journal"]`` (``ERASURE_JOURNAL_URL``,
an S3 bucket), one object per entry in the object store every web node and worker shares;
otherwise (``make run``) one file per entry in the folder named after ``ERASURE_JOURNAL``
without its ``.jsonl`` (an ``erasures.jsonl`` of an earlier version there is read too). Names
sort by time and carry a unique part: concurrent writers never overwrite each other.

Entries hold ids, the customer's creation time (so that an id reused after a restore is never
mistaken for the erased customer) and event names: no personal data. An entry is durable
before its erasure commits: an erasure that cannot be journalled is not committed either (a
full disk or an unreachable store stops erasures loudly). An entry whose transaction then
fails to commit is applied again by ``after_restore`` only if the customer is still there and
not erased: what staff or the sweep had decided.
"""

import fcntl
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.utils import timezone

from privacysite.journal_store import FolderStore, StorageStore, entry_name, name_kind

logger = logging.getLogger(__name__)

ERASURE = "erasure"
WITHDRAWAL = "withdrawal"
REQUEST = "request"
OPENED = "opened"


def journal_path() -> Path:
    """``ERASURE_JOURNAL``: the local journal's name (its folder is this without ``.jsonl``)."""
    return Path(settings.ERASURE_JOURNAL)


def journal_source(path) -> FolderStore:
    """A local journal: a folder of entries, or an old single-file journal (``name.jsonl``),
    both read when both are there."""
    path = Path(path)
    if path.suffix == ".jsonl":
        return FolderStore(path.with_suffix(""), legacy=path)
    return FolderStore(path, legacy=path.with_suffix(".jsonl"))


def journal_store():
    """The journal every node writes and a restore reads: the shared object store when
    ``STORAGES["journal"]`` is configured, the local folder otherwise."""
    if "journal" in settings.STORAGES:
        return StorageStore(storages["journal"])
    return journal_source(journal_path())


def line_append(path: Path, entry: dict) -> None:
    """Append one JSON line to a single file, durable before returning (the access log's
    anchors, customers.audit.anchors): O_APPEND, one write under an exclusive lock, fsync."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(entry, sort_keys=True, separators=(",", ":")) + "\n").encode("ascii")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def journal_append(kind: str, *, path: Path | None = None, **fields) -> str | None:
    """Write one entry and make it durable before returning; its name is returned. With
    ``path``, append a line to that single file instead (the access log's anchors)."""
    at = timezone.now()
    entry = {"at": at.isoformat(), "kind": kind, **fields}
    if path is not None:
        line_append(Path(path), entry)
        return None
    name = entry_name(kind, at)
    data = json.dumps(entry, sort_keys=True, separators=(",", ":")).encode("ascii")
    journal_store().write(name, data)
    return name


def journal_names(sources=None) -> list[str]:
    """Every entry's name in these journals (default: the configured one), sorted by time."""
    names = set()
    for store in _stores(sources):
        names.update(store.names())
    return sorted(names)


def journal_opened(names: list[str]) -> str | None:
    """The name of the journal's first "opened" entry: the journal's identity."""
    return next((name for name in names if name_kind(name) == OPENED), None)


def journal_open() -> bool:
    """Start the journal where none was started (``setup_site``), so that from the first
    install on an empty journal means a lost one, which a restore refuses. Returns whether
    it was started now."""
    if journal_opened(journal_names()) is not None:
        return False
    journal_append(OPENED)
    return True


def journal_erasures(customers: list[tuple[int, object]], *, trigger: str) -> None:
    """Record erased customers as (id, created_at) pairs."""
    if customers:
        journal_append(
            ERASURE,
            trigger=trigger,
            customers=[[pk, created.isoformat()] for pk, created in customers],
        )


def journal_withdrawal(*, customer_id: int, created, purpose: str, channel: str) -> None:
    journal_append(
        WITHDRAWAL, customer=[customer_id, created.isoformat()], purpose=purpose, channel=channel
    )


def journal_request_opened(*, reference: str, kind: str, due_on, customer_id: int) -> None:
    """A customer's request: a restore that loses it must say so (its legal clock runs)."""
    journal_append(
        REQUEST,
        reference=reference,
        request_kind=kind,
        due_on=due_on.isoformat(),
        customer_id=customer_id,
    )


def _stores(sources):
    if not sources:
        return [journal_store()]
    return [journal_source(source) for source in sources]


def journal_read(sources=None, *, kinds=None) -> Iterator[dict]:
    """Every readable entry of these journals (default: the configured one; ``sources`` are
    local folders or old single files), in time order, each with its name as ``id``; only
    those of ``kinds`` when given (told by the name, the others are not even read).

    An entry cut short by a crash mid-write is skipped with a warning (its erasure never
    committed: the journal is written first)."""
    for store in _stores(sources):
        names = store.names()
        if kinds:
            names = [name for name in names if name_kind(name) in kinds]
        for name, data in zip(names, store.read(names), strict=True):
            try:
                entry = json.loads(data)
            except ValueError:
                logger.warning("journal.unreadable_entry journal=%s name=%s", store, name)
                continue
            if isinstance(entry, dict) and "kind" in entry:
                yield {**entry, "id": name}
