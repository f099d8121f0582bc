"""Verify the access log: the chain's links, its signed ends, its pruning against the
retention period, and the by-customer index against the entries.

On PostgreSQL the chain is streamed through one server-side cursor whose rows are the
canonical text the sealer signed, built by the server (no Django converters, no JSON parsing
in Python); memory stays flat. A row whose server-built text does not reproduce its hash is
checked again through the ORM and the sealer's own canonical form before it is reported, so
the fast path can never raise a false alarm.
"""

import datetime
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db import connection, connections, transaction
from django.utils import timezone

from customers.audit import chain
from customers.audit.anchors import anchor_problem, anchors_since_restore
from customers.models import AccessLogEntry, AccessLogSubject, AuditChainHead, RetentionRule

# A row sealed this long after it was written was not written by the application's normal
# path (the sealer runs every minute): it is reported as back-dated.
LATE_SEAL_SECONDS = 15 * 60
# Decree 53/2022: system logs are kept at least 12 months, whatever the rule says.
LEGAL_MINIMUM_MONTHS = 12
# Month lengths and clocks: a cutoff within a day of the period is not reported.
RETENTION_GRACE = datetime.timedelta(days=1)


@dataclass
class Verification:
    checked: int
    problems: list[str]
    head_seq: int
    head_hash: str
    first_bad: int | None = None  # the first chain position found wrong

    @property
    def ok(self):
        return not self.problems


@dataclass
class _Report:
    limit: int
    problems: list[str] = field(default_factory=list)
    first_bad: int | None = None

    def add(self, position, message):
        if position is not None and (self.first_bad is None or position < self.first_bad):
            self.first_bad = position
        if len(self.problems) < self.limit:
            self.problems.append(message)

    @property
    def full(self):
        return len(self.problems) >= self.limit


def access_log_verify(*, chunk: int = 10_000, max_problems: int = 20, now=None) -> Verification:
    """Walk the chain in order, in constant memory; report the first broken links, a head
    changed without the key, pruning inside the retention period, and index rows that
    disagree with the entries."""
    key_ = chain.key()
    report = _Report(max_problems)
    # The anchors first: each is written after its seal committed, so none read now can be
    # ahead of the snapshot below (a seal committing during the walk is not a rollback).
    anchors = anchors_since_restore()
    # Outside a transaction (the command), the head and the walk share one snapshot, so that
    # the sealer or the pruner working meanwhile cannot look like tampering; the index is
    # compared on a second connection at the same time.
    alone = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if alone:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        head = AuditChainHead.objects.filter(pk=1).first()
        start, prev = (head.pruned_seq, head.pruned_hash) if head else (0, "")
        index = _IndexCheck(start, max_problems, in_thread=alone)
        walk = _walk_postgresql if connection.vendor == "postgresql" else _walk_orm
        checked, end = walk(start, prev, key_, report, chunk)
        if head is None:
            if checked:
                report.add(start + 1, "the chain head is missing: the log was tampered with")
        else:
            _check_head(head, key_, end, report, now or timezone.now())
        found = anchor_problem(
            anchors,
            head_seq=head.seq if head else 0,
            pruned_seq=start,
            hashes_at=_hashes_at,
        )
        if found:
            report.add(*found)
    if not report.full:
        for position, entry_id, customer_id, what in index.result():
            where = f"position {position}" if position is not None else "not sealed"
            report.add(
                position,
                f"the by-customer index disagrees with entry id {entry_id} ({where}): the row "
                f"for customer {customer_id} is {what}",
            )
    return Verification(
        checked,
        report.problems,
        head.seq if head else 0,
        head.hash if head else "",
        report.first_bad,
    )


class _IndexCheck:
    """The index comparison. On PostgreSQL outside a transaction it runs on its own
    connection in a thread while this one walks the chain: the server does it on another core
    while Python computes the HMACs. (Inside a transaction, as in tests, it runs after the walk
    on this connection, which sees the transaction's own rows.)"""

    def __init__(self, start, limit, *, in_thread):
        self.start, self.limit = start, limit
        self.rows, self.error, self.thread = None, None, None
        if in_thread:
            self.thread = threading.Thread(target=self._run, name="verify-index", daemon=True)
            self.thread.start()

    def _run(self):
        try:
            self.rows = _index_postgresql(self.start, self.limit)
        except Exception as exc:  # noqa: BLE001  raised again in the caller's thread
            self.error = exc
        finally:
            connections.close_all()  # this thread's connection only

    def result(self):
        if self.thread is None:
            index = _index_postgresql if connection.vendor == "postgresql" else _index_orm
            return index(self.start, self.limit)
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.rows


def _hashes_at(seqs, batch: int = 10_000) -> dict[int, str]:
    found = {}
    for start in range(0, len(seqs), batch):
        found.update(
            AccessLogEntry.objects.filter(seal_seq__in=seqs[start : start + batch]).values_list(
                "seal_seq", "hash"
            )
        )
    return found


def _check_head(head, key_, end, report, now):
    end_seq, end_hash = end
    signed = hmac.compare_digest(
        chain.head_signature(head.seq, head.hash, head.pruned_seq, key_), head.signature
    )
    pruned_ok = chain.pruned_ok(head, key_)
    if not signed and not pruned_ok and head.pruned_seq > 0:
        earlier = chain.signed_pruned_seq(head, key_)
        first = (earlier if earlier is not None else head.pruned_seq) + 1
        report.add(
            first,
            f"entries from chain position {first} through {head.pruned_seq} were removed from "
            "the start: the head's pruned position was moved without the key"
            + (f" (the key signed {earlier})" if earlier is not None else ""),
        )
    elif not signed:
        first = min(head.seq, end_seq) + 1
        report.add(
            first,
            f"the chain head ({head.seq}) is not signed by the key: it was changed by hand; "
            f"entries from position {first} on may have been removed from the end",
        )
    elif not pruned_ok:
        report.add(
            head.pruned_seq,
            f"the record of pruning through position {head.pruned_seq} was changed by hand",
        )
    elif head.pruned_seq and head.pruned_before:
        months = _retention_months()
        if head.pruned_before > now - relativedelta(months=months) + RETENTION_GRACE:
            report.add(
                head.pruned_seq,
                f"entries through chain position {head.pruned_seq} were pruned with a cutoff "
                f"({head.pruned_before:%Y-%m-%d %H:%M}) younger than the retention period "
                f"({months} months)",
            )
    if (head.seq, head.hash) != (end_seq, end_hash):
        report.add(
            end_seq + 1,
            f"the chain ends at position {end_seq} but its head says {head.seq}: "
            "entries were removed from the end",
        )


def _retention_months() -> int:
    rule = RetentionRule.objects.filter(category=RetentionRule.Category.ACCESS_LOG).first()
    months = LEGAL_MINIMUM_MONTHS
    if rule is not None:
        months = max(months, rule.minimum_months, rule.period_months or 0)
    return months


def _link(report, seq, expected_seq, entry_id, prev_hash, prev):
    if seq != expected_seq:
        report.add(
            expected_seq, f"entry at chain position {expected_seq} is missing (next is {seq})"
        )
    if prev_hash != prev:
        report.add(seq, f"chain broken at position {seq} (entry id {entry_id})")
        return False
    return True


def _walk_orm(start, prev, key_, report, chunk):
    expected_seq, checked = start + 1, 0
    sealed = (
        AccessLogEntry.objects.filter(seal_seq__gt=start)
        .order_by("seal_seq")
        .values(*chain.CONTENT, "seal_seq", "prev_hash", "hash", "sealed_at")
    )
    for row in sealed.iterator(chunk_size=chunk):
        checked += 1
        seq = row["seal_seq"]
        if _link(report, seq, expected_seq, row["id"], row["prev_hash"], prev):
            if chain.chain_hash(prev, row, seq, key_) != row["hash"]:
                report.add(seq, f"entry id {row['id']} (position {seq}) was changed after sealing")
            elif (row["sealed_at"] - row["at"]).total_seconds() > LATE_SEAL_SECONDS:
                report.add(seq, _late(row["id"], seq))
        prev, expected_seq = row["hash"], seq + 1
        if report.full:
            break
    return checked, (expected_seq - 1, prev)


def _late(entry_id, seq):
    return (
        f"entry id {entry_id} (position {seq}) was sealed long after its time: "
        "written after the fact?"
    )


# The sealer's canonical form (chain.canonical), built by the server: the same fields joined
# by U+001F, the time as Python's isoformat() in UTC, JSON as jsonb's text. JSON with
# non-ASCII text differs (json.dumps escapes it): such rows fall back to the ORM check.
_CANONICAL_SQL = """
SELECT seal_seq, id, prev_hash, hash,
  concat_ws(E'\\x1f', seal_seq, id,
    to_char(at AT TIME ZONE 'UTC', CASE WHEN date_trunc('second', at) = at
      THEN 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"' ELSE 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"' END),
    coalesce(actor_id::text, ''), actor_label, action, customer_ids::text, fields::text,
    reason, coalesce(host(ip_address), '')),
  sealed_at - at > make_interval(secs => %s)
FROM customers_accesslogentry WHERE seal_seq > %s ORDER BY seal_seq
"""


def _walk_postgresql(start, prev, key_, report, chunk):
    expected_seq, checked = start + 1, 0
    base = hmac.new(key_, digestmod=hashlib.sha256)
    connection.ensure_connection()
    with transaction.atomic(), connection.connection.cursor(name="verify_audit_log") as cursor:
        # Compiling the expressions (JIT) takes longer than it saves here (BENCHMARKS.md).
        connection.connection.execute("SET LOCAL jit = off")
        cursor.itersize = chunk
        cursor.execute(_CANONICAL_SQL, (LATE_SEAL_SECONDS, start))
        # The hot loop: one HMAC and two comparisons per entry; anything unusual goes to the
        # slower checks.
        for seq, entry_id, prev_hash, digest, text, late in cursor:
            checked += 1
            mac = base.copy()
            mac.update((prev + text).encode())
            if seq != expected_seq or prev_hash != prev or late or mac.hexdigest() != digest:
                _entry_problems(
                    report, key_, seq, expected_seq, entry_id, prev_hash, prev, mac, digest, late
                )
                if report.full:
                    break
            prev, expected_seq = digest, seq + 1
    return checked, (expected_seq - 1, prev)


def _entry_problems(report, key_, seq, expected_seq, entry_id, prev_hash, prev, mac, digest, late):
    if not _link(report, seq, expected_seq, entry_id, prev_hash, prev):
        return
    if mac.hexdigest() != digest and not _orm_hash_matches(entry_id, prev, seq, key_):
        report.add(seq, f"entry id {entry_id} (position {seq}) was changed after sealing")
    elif late:
        report.add(seq, _late(entry_id, seq))


def _orm_hash_matches(entry_id, prev, seq, key_) -> bool:
    row = AccessLogEntry.objects.filter(pk=entry_id).values(*chain.CONTENT, "hash").first()
    return row is not None and chain.chain_hash(prev, row, seq, key_) == row["hash"]


# The by-customer index against the entries, cheaply: the count and the XOR of a salted MD5
# of every (entry, customer) pair on each side. The salt is fresh for every run, so nobody can
# prepare rows whose digests cancel out. Only when the two sides differ is the costly
# comparison below run, to name the positions.
_INDEX_DIGEST_SQL = """
SELECT
 (SELECT row(count(*), coalesce(bit_xor(('x' || left(md5(%(salt)s || e.id || ':' || c.value),
   16))::bit(64)::bigint), 0))::text
  FROM customers_accesslogentry e, jsonb_array_elements_text(e.customer_ids) AS c(value)
  WHERE e.seal_seq > %(start)s),
 (SELECT row(count(*), coalesce(bit_xor(('x' || left(md5(%(salt)s || entry_id || ':' ||
   customer_id), 16))::bit(64)::bigint), 0))::text
  FROM customers_accesslogsubject)
"""

# Pairs (entry, customer) the entries name vs the index's rows, in one pass of hash joins.
_INDEX_SQL = """
WITH expected AS (
  SELECT e.id AS entry_id, e.seal_seq, c.value::bigint AS customer_id
  FROM customers_accesslogentry e, jsonb_array_elements_text(e.customer_ids) AS c(value)
  WHERE e.seal_seq > %(start)s
), actual AS (
  SELECT entry_id, customer_id, count(*) AS n FROM customers_accesslogsubject
  GROUP BY entry_id, customer_id
), wrong AS (
  SELECT coalesce(x.entry_id, a.entry_id) AS entry_id, x.seal_seq,
         coalesce(x.customer_id, a.customer_id) AS customer_id,
         CASE WHEN a.entry_id IS NULL THEN 'missing'
              WHEN x.entry_id IS NULL THEN 'extra' ELSE 'duplicated' END AS what
  FROM expected x FULL JOIN actual a
    ON a.entry_id = x.entry_id AND a.customer_id = x.customer_id
  WHERE x.entry_id IS NULL OR a.entry_id IS NULL OR a.n > 1
)
SELECT coalesce(w.seal_seq,
         (SELECT e.seal_seq FROM customers_accesslogentry e WHERE e.id = w.entry_id)) AS pos,
       w.entry_id, w.customer_id, w.what
FROM wrong w ORDER BY pos NULLS LAST, w.customer_id LIMIT %(limit)s
"""


def _index_postgresql(start, limit):
    with transaction.atomic(), connection.cursor() as cursor:
        # JIT compilation takes longer than it saves here (BENCHMARKS.md).
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(_INDEX_DIGEST_SQL, {"salt": secrets.token_hex(16), "start": start})
        entries, index = cursor.fetchone()
        if entries == index:
            return []
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(_INDEX_SQL, {"start": start, "limit": limit})
        return cursor.fetchall()


def _index_orm(start, limit):
    """The same comparison for SQLite (development): the index is held in memory."""
    actual = {}
    for pair in AccessLogSubject.objects.values_list("entry_id", "customer_id"):
        actual[pair] = actual.get(pair, 0) + 1
    wrong, sealed = [], {}
    for entry_id, seq, ids in AccessLogEntry.objects.filter(seal_seq__gt=start).values_list(
        "id", "seal_seq", "customer_ids"
    ):
        sealed[entry_id] = seq
        for customer_id in ids:
            n = actual.pop((entry_id, customer_id), 0)
            if n != 1:
                wrong.append((seq, entry_id, customer_id, "missing" if n == 0 else "duplicated"))
    for (entry_id, customer_id), _n in actual.items():
        wrong.append((sealed.get(entry_id), entry_id, customer_id, "extra"))
    wrong.sort(key=lambda w: (w[0] is None, w[0] or 0, w[2]))
    return wrong[:limit]
