"""The access log's head, anchored outside the database at every seal (issue 31, finding 2).

Someone who can write to the database can save the chain's head row, let new entries seal,
delete them and write the old head back: the chain then verifies, shorter. So every seal
also appends the new head (position and hash, no personal data) to ``ACCESS_LOG_ANCHORS``,
an append-only file on a disk the database's users cannot write, kept with the erasure
journal (privacysite/journal.py: the same O_APPEND, lock and fsync). ``access_log_verify``
reads the newest anchor by itself and fails when the database's head is older, or when the
chain no longer passes through the anchored hash. A restore, which rolls the head back on
purpose, writes an anchor of the restored head marked ``restored``.

What is left: entries written since the last seal (at most a minute, the sealer's schedule)
can be deleted unseen by someone with write access to the database; the daily digest mailed
to the DPO is the second copy of the head.
"""

import json
import os
from pathlib import Path

from django.conf import settings

from privacysite import journal

ANCHOR = "access_log_head"
TAIL_BYTES = 4096  # the newest anchor is in the file's last lines


def anchors_path() -> Path:
    return Path(settings.ACCESS_LOG_ANCHORS)


def anchor_write(*, seq: int, hash: str, restored: bool = False) -> None:  # noqa: A002
    fields = {"seq": seq, "hash": hash}
    if restored:
        fields["restored"] = True
    journal.journal_append(ANCHOR, path=anchors_path(), **fields)


def anchor_latest() -> dict | None:
    """The newest complete anchor, read from the end of the file; None when there is none."""
    path = anchors_path()
    if not path.exists():
        return None
    with path.open("rb") as file:
        size = file.seek(0, os.SEEK_END)
        file.seek(max(0, size - TAIL_BYTES))
        tail = file.read().decode("ascii", errors="replace")
    for line in reversed(tail.splitlines()):
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # cut short by a crash mid-write, or the first, partial line of the tail
        if isinstance(entry, dict) and entry.get("kind") == ANCHOR:
            return entry
    return None


def anchor_problem(*, head_seq: int, pruned_seq: int, hash_at) -> tuple[int, str] | None:
    """What the newest anchor says is wrong with a chain whose head is ``head_seq``
    (``hash_at(seq)`` gives the stored hash of an entry), as (position, message)."""
    anchor = anchor_latest()
    if anchor is None:
        if head_seq:
            return head_seq, (
                "no anchor of the chain head was found outside the database "
                f"({anchors_path()}): the check that the head was not rolled back cannot be made"
            )
        return None
    if head_seq < anchor["seq"]:
        return head_seq + 1, (
            f"the chain head is at position {head_seq}, but the anchor written outside the "
            f"database at {anchor['at']} says it had reached {anchor['seq']}: entries were "
            "removed from the end and the head rolled back"
        )
    if anchor["seq"] > pruned_seq and hash_at(anchor["seq"]) != anchor["hash"]:
        return anchor["seq"], (
            f"the entry at chain position {anchor['seq']} differs from the anchor written "
            f"outside the database at {anchor['at']}: the log was rewritten"
        )
    return None
