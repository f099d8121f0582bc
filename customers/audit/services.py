"""The access log: record every look at personal data, seal the records into a chain, verify."""

import datetime
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

from customers.core import masking
from customers.core.actors import Actor
from customers.core.roles import Role
from customers.models import AccessLogEntry, AccessLogSubject, AuditChainHead
from customers.staff.services import staff_emails

logger = logging.getLogger(__name__)

SEAL_BATCH = 5000
# A row sealed this long after it was written was not written by the application's normal
# path (the sealer runs every minute): it is reported as back-dated.
LATE_SEAL_SECONDS = 15 * 60


def access_log(
    *,
    actor,
    action: str,
    customers=(),
    fields=(),
    reason: str = "",
    ip_address: str | None = None,
    actor_label: str | None = None,
) -> AccessLogEntry:
    """Append one entry: a single INSERT, no lock, so that many writers never wait.

    ``customers`` are ids or Customer objects; no personal data is stored. The by-customer
    index (AccessLogSubject) is written by the sealer, within a minute.
    """
    ids = sorted({getattr(c, "pk", c) for c in customers})
    actor = Actor.of(actor)
    entry = AccessLogEntry.objects.create(
        actor=actor.user,
        actor_label=actor_label or actor.label,
        action=action,
        customer_ids=ids,
        fields=sorted(set(fields)),
        reason=reason[:255],
        ip_address=ip_address or None,
    )
    return entry


def personal_data_reveal(*, customer, field: str, actor, reason: str, ip_address=None) -> str:
    """One masked value shown to a staff member who gave a reason; refused (PermissionDenied)
    unless the role may reveal that field of that customer. Every reveal is logged."""
    actor = Actor.of(actor)
    user = actor.user
    if user is None or field not in masking.revealable_fields(user):
        raise PermissionDenied(f"{actor} may not reveal {field}")
    if not masking.in_scope(user, customer):
        raise PermissionDenied(f"{actor} may not see customer {customer.pk}")
    access_log(
        actor=actor,
        action=AccessLogEntry.Action.REVEAL,
        customers=[customer],
        fields=[field],
        reason=reason,
        ip_address=ip_address,
    )
    return getattr(customer, field)


def _key() -> bytes:
    # ACCESS_LOG_CHAIN_KEY keeps the chain verifiable when BLIND_INDEX_KEY changes.
    key = getattr(settings, "ACCESS_LOG_CHAIN_KEY", "") or settings.BLIND_INDEX_KEY
    return hmac.new(key.encode(), b"privacysite access log chain", hashlib.sha256).digest()


def _canonical(row: dict, seq: int) -> bytes:
    at = row["at"].astimezone(datetime.UTC).isoformat()
    parts = [
        seq,
        row["id"],
        at,
        row["actor_id"] or "",
        row["actor_label"],
        row["action"],
        json.dumps(row["customer_ids"]),
        json.dumps(row["fields"]),
        row["reason"],
        row["ip_address"] or "",
    ]
    return "\x1f".join(str(p) for p in parts).encode()


def chain_hash(prev_hash: str, row: dict, seq: int, key: bytes | None = None) -> str:
    return hmac.new(key or _key(), prev_hash.encode() + _canonical(row, seq), "sha256").hexdigest()


CONTENT = [
    "id",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "customer_ids",
    "fields",
    "reason",
    "ip_address",
]


def access_log_seal(*, batch: int = SEAL_BATCH) -> int:
    """Seal the unsealed entries, oldest id first, into the chain. One sealer at a time (the
    head row is locked); writers are never blocked. Returns how many were sealed."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        rows = list(
            AccessLogEntry.objects.filter(seal_seq__isnull=True)
            .order_by("id")
            .values(*CONTENT)[:batch]
        )
        if not rows:
            return 0
        key, now = _key(), timezone.now()
        seq, prev, updates = head.seq, head.hash, []
        for row in rows:
            seq += 1
            digest = chain_hash(prev, row, seq, key)
            updates.append((seq, prev, digest, now, row["id"]))
            prev = digest
        table = connection.ops.quote_name(AccessLogEntry._meta.db_table)
        with connection.cursor() as cursor:
            # The sealer is the one writer of these columns (not through the ORM's update).
            cursor.executemany(
                f"UPDATE {table} SET seal_seq = %s, prev_hash = %s, hash = %s, sealed_at = %s "  # noqa: S608  # nosec B608
                "WHERE id = %s AND seal_seq IS NULL",
                updates,
            )
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash", "updated_at"])
        AccessLogSubject.objects.bulk_create(
            [
                AccessLogSubject(entry_id=row["id"], customer_id=customer_id)
                for row in rows
                for customer_id in row["customer_ids"]
            ],
            batch_size=5000,
        )
    logger.info("access_log.sealed count=%s head=%s", len(rows), seq)
    return len(rows)


def access_log_seal_pending(*, batches: int = 20) -> int:
    """Beat's run: seal what is waiting, at most ``batches`` batches (the next run, a minute
    later, takes the rest)."""
    total = 0
    for _ in range(batches):
        sealed = access_log_seal()
        total += sealed
        if not sealed:
            break
    return total


@dataclass
class Verification:
    checked: int
    problems: list[str]
    head_seq: int
    head_hash: str

    @property
    def ok(self):
        return not self.problems


def access_log_verify(*, chunk: int = 5000, max_problems: int = 20) -> Verification:
    """Walk the chain in order, in constant memory; report the first broken links."""
    key, problems = _key(), []
    head = AuditChainHead.objects.filter(pk=1).first()
    # Entries past their retention period were pruned from the start: begin after them.
    start = head.pruned_seq if head else 0
    expected_seq, prev, checked = start + 1, head.pruned_hash if head else "", 0
    sealed = (
        AccessLogEntry.objects.filter(seal_seq__gt=start)
        .order_by("seal_seq")
        .values(*CONTENT, "seal_seq", "prev_hash", "hash", "sealed_at")
    )
    for row in sealed.iterator(chunk_size=chunk):
        checked += 1
        seq = row["seal_seq"]
        if seq != expected_seq:
            problems.append(f"entry at chain position {expected_seq} is missing (next is {seq})")
        if row["prev_hash"] != prev:
            problems.append(f"chain broken at position {seq} (entry id {row['id']})")
        elif chain_hash(prev, row, seq, key) != row["hash"]:
            problems.append(f"entry id {row['id']} (position {seq}) was changed after sealing")
        elif (row["sealed_at"] - row["at"]).total_seconds() > LATE_SEAL_SECONDS:
            problems.append(
                f"entry id {row['id']} (position {seq}) was sealed long after its time: "
                "written after the fact?"
            )
        prev, expected_seq = row["hash"], seq + 1
        if len(problems) >= max_problems:
            break
    if head and len(problems) < max_problems and (head.seq, head.hash) != (expected_seq - 1, prev):
        problems.append(
            f"the chain ends at position {expected_seq - 1} but its head says {head.seq}: "
            "entries were removed from the end"
        )
    return Verification(checked, problems, head.seq if head else 0, head.hash if head else "")


def access_log_digest() -> str:
    """The chain head, written outside the database (log and mail to the data-protection
    role) so that even a rewrite of the whole table is caught by comparing with it."""
    head = AuditChainHead.objects.filter(pk=1).first()
    line = (
        f"access-log head {timezone.now():%Y-%m-%d}: seq={head.seq if head else 0} "
        f"hash={head.hash if head else ''} pruned-through={head.pruned_seq if head else 0}"
    )
    logger.info("access_log.digest %s", line)
    recipients = staff_emails(Role.DPO)
    if recipients:
        send_mail("privacysite: access-log digest", line + "\n", None, recipients)
    return line


def access_log_for_customer(customer):
    """Every entry about this customer: sealed ones through the index, plus the few written
    in the last minute that the sealer has not reached yet."""
    sealed = AccessLogEntry.objects.filter(subjects__customer=customer)
    pending = [
        e.pk
        for e in AccessLogEntry.objects.filter(seal_seq__isnull=True).only("id", "customer_ids")
        if customer.pk in e.customer_ids
    ]
    return AccessLogEntry.objects.filter(
        pk__in=sealed.values("pk")
    ) | AccessLogEntry.objects.filter(pk__in=pending)


def access_log_prune(*, before, batch: int = 5000) -> int:
    """Remove sealed entries older than ``before`` from the start of the chain, in short
    batches by chain position; the head remembers where the chain now begins, so that it
    still verifies. Unsealed entries and anything after a newer entry stay."""
    total = 0
    while True:
        with transaction.atomic():
            head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
            if head is None:
                return total
            # The first newer entry ends the prefix: the chain is pruned from its start only.
            newer = (
                AccessLogEntry.objects.filter(seal_seq__gt=head.pruned_seq, at__gte=before)
                .order_by("seal_seq")
                .values_list("seal_seq", flat=True)
                .first()
            )
            limit = min(head.pruned_seq + batch, head.seq, (newer or head.seq + 1) - 1)
            if limit <= head.pruned_seq:
                return total
            last = (
                AccessLogEntry.objects.filter(seal_seq=limit).values_list("hash", flat=True).get()
            )
            doomed = AccessLogEntry.objects.filter(
                seal_seq__gt=head.pruned_seq, seal_seq__lte=limit
            )
            AccessLogSubject.objects.filter(entry__in=doomed.values("pk"))._raw_delete(
                AccessLogSubject.objects.db
            )
            deleted = doomed._raw_delete(AccessLogEntry.objects.db)
            AuditChainHead.objects.filter(pk=1).update(pruned_seq=limit, pruned_hash=last)
        total += deleted
        logger.info("access_log.pruned through=%s count=%s", limit, deleted)
