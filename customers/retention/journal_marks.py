"""The journal's mark in the database: what lets a restore prove it read the right journal.

A backup is only as good as the journal a restore reads with it: a journal started afresh, or
another machine's, or one with entries lost, exists and reads without error, and yet holds
none of (or not all) the erasures made since the dump. So the database records the journal's
identity (its first "opened" entry) and its head, and how many entries led there, at
``setup_site``, just before every dump (``scripts/backup.sh`` runs ``journal_mark``) and after
every restore. A dump carries its newest mark; ``after_restore`` refuses a journal that lacks
the marked identity or head, or holds fewer entries up to the head than were marked.
"""

from dataclasses import dataclass

from customers.models import JournalMark
from privacysite import journal


class JournalUnproven(Exception):
    """The journal read cannot prove it holds every erasure since the restored dump."""

    def __init__(self, reason: str, *, where: str, missing: bool = False):
        self.reason = reason
        self.where = where
        self.missing = missing
        super().__init__(reason)


@dataclass
class Checked:
    names: list[str]
    mark: JournalMark | None


def journal_mark() -> JournalMark:
    """Start the journal if it was never started, and record its head now."""
    journal.journal_open()
    names = journal.journal_names()
    return JournalMark.objects.create(
        journal=journal.journal_opened(names), head=names[-1], entries=len(names)
    )


def journal_mark_check(sources=None, *, require_mark: bool = True) -> Checked:
    """Raise ``JournalUnproven`` unless the journal (the configured one and ``sources``)
    holds every entry up to the restored database's newest mark."""
    where = ", ".join(str(s) for s in sources) if sources else str(journal.journal_store())
    names = journal.journal_names()
    if sources:
        names = sorted({*names, *journal.journal_names(sources)})
    if not names:
        raise JournalUnproven("it holds no entry at all", where=where, missing=True)
    mark = JournalMark.objects.order_by("-pk").first()
    if mark is None:
        if require_mark:
            raise JournalUnproven(
                "this database records no journal mark (a backup written before marks "
                "existed, or a database setup_site never ran on)",
                where=where,
            )
        return Checked(names, None)
    present = set(names)
    if mark.journal not in present:
        raise JournalUnproven(
            f"it is not the journal of this backup (entry {mark.journal} is not in it: "
            "another journal, or one started afresh)",
            where=where,
        )
    if mark.head not in present:
        raise JournalUnproven(f"entry {mark.head}, its newest at the dump, is missing", where=where)
    upto = sum(1 for name in names if name <= mark.head)
    if upto < mark.entries:
        raise JournalUnproven(
            f"it holds {upto} entries up to {mark.head}, the backup saw {mark.entries}: "
            "entries were lost",
            where=where,
        )
    return Checked(names, mark)
