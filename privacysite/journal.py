"""The promise journal: erasures, consent withdrawals and requests, kept outside the database.

A restored backup predates whatever happened after its dump: customers erased since then come
back, withdrawn consents are granted again. The database cannot remember what it has lost, so
each erasure and withdrawal is also appended here, before its transaction commits, to a file
(``ERASURE_JOURNAL``) that is NOT part of the database or its dumps and lives at least as long
as the oldest backup. ``manage.py after_restore`` reads it and applies every entry again.

Entries hold ids, the customer's creation time (so that an id reused after a restore is never
mistaken for the erased customer) and event names: no personal data. One JSON object a line,
appended with O_APPEND under an exclusive lock and fsynced before the erasure commits: an
erasure that is not journalled is not committed either (a full disk stops erasures loudly).
An entry whose transaction then fails to commit is applied again by ``after_restore`` only
if the customer is still there and not erased: what staff or the sweep had decided.
"""

import fcntl
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

ERASURE = "erasure"
WITHDRAWAL = "withdrawal"
REQUEST = "request"
OPENED = "opened"


def journal_path() -> Path:
    return Path(settings.ERASURE_JOURNAL)


def journal_append(kind: str, *, path: Path | None = None, **fields) -> None:
    """Append one entry (to ``ERASURE_JOURNAL``, or ``path``) and make it durable before
    returning."""
    path = path or journal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {"at": timezone.now().isoformat(), "kind": kind, **fields}
    line = (json.dumps(entry, sort_keys=True, separators=(",", ":")) + "\n").encode("ascii")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        # Workers on one machine append concurrently; one write() per entry under the lock.
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def journal_open() -> bool:
    """Start the journal where none exists (``setup_site``), so that from the first install on
    a missing file means a lost journal, which a restore refuses (it cannot prove it applied
    again every erasure since its dump). Returns whether it was started now."""
    if journal_path().exists():
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


def journal_read(paths=None, *, kinds=None) -> Iterator[dict]:
    """Every readable entry of these journals (default: ``ERASURE_JOURNAL``), in order;
    only those of ``kinds`` when given (other lines are skipped without parsing them).

    A line cut short by a crash mid-write is skipped with a warning (its erasure never
    committed: the journal is written first)."""
    markers = [f'"kind":"{kind}"' for kind in kinds] if kinds else None
    for path in paths or [journal_path()]:
        path = Path(path)
        if not path.exists():
            logger.warning("journal.missing path=%s", path)
            continue
        with path.open(encoding="ascii") as lines:
            for number, line in enumerate(lines, 1):
                if markers and not any(marker in line for marker in markers):
                    continue
                try:
                    entry = json.loads(line)
                except ValueError:
                    logger.warning("journal.unreadable_line path=%s line=%s", path, number)
                    continue
                if isinstance(entry, dict) and "kind" in entry:
                    yield entry
