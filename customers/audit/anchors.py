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
        entry = _parsed(line)
        if entry is not None:
            return entry
    return None


def anchors_since_restore() -> list[dict] | None:
    """Every anchor written since the last restore (or ever), in file order; None when the
    file is missing. A head rolled back and then sealed again writes a newer, lower anchor:
    every anchor is checked, not only the newest."""
    path = anchors_path()
    if not path.exists():
        return None
    anchors = []
    with path.open(encoding="ascii", errors="replace") as lines:
        for line in lines:
            entry = _parsed(line)
            if entry is None:
                continue
            if entry.get("restored"):
                anchors = []  # the restore's own anchor starts the trail again
            anchors.append(entry)
    return anchors


def _parsed(line: str) -> dict | None:
    try:
        entry = json.loads(line)
    except ValueError:
        return None  # cut short by a crash mid-write, or the first, partial line of a tail
    return entry if isinstance(entry, dict) and entry.get("kind") == ANCHOR else None


def anchor_problem(
    anchors: list[dict] | None, *, head_seq: int, pruned_seq: int, hashes_at
) -> tuple[int, str] | None:
    """What the anchors (``anchors_since_restore()``, read BEFORE the database's head, so that
    a seal committing meanwhile cannot look like tampering) say is wrong with a chain whose
    head is ``head_seq``; ``hashes_at(seqs)`` gives {seq: stored hash}. (position, message)."""
    if anchors is None:
        if head_seq:
            return head_seq, (
                "no anchor of the chain head was found outside the database "
                f"({anchors_path()}): the check that the head was not rolled back cannot be made"
            )
        return None
    if not anchors:
        return None
    furthest = max(anchors, key=lambda a: a["seq"])
    if head_seq < furthest["seq"]:
        return head_seq + 1, (
            f"the chain head is at position {head_seq}, but the anchor written outside the "
            f"database at {furthest['at']} says it had reached {furthest['seq']}: entries were "
            "removed from the end and the head rolled back"
        )
    wanted = {a["seq"]: a for a in anchors if a["seq"] > pruned_seq}
    stored = hashes_at(sorted(wanted))
    for seq in sorted(wanted):
        if stored.get(seq) != wanted[seq]["hash"]:
            return seq, (
                f"the entry at chain position {seq} differs from the anchor written outside "
                f"the database at {wanted[seq]['at']}: the log was rewritten or rolled back"
            )
    return None
