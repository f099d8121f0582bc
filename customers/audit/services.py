"""The access log: record every look at personal data, seal the records into a chain, verify."""

import logging

from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

from customers.audit.anchors import anchor_latest, anchor_write
from customers.audit.chain import CONTENT, HeadNotSigned, chain_hash, head_ok, key, sign
from customers.audit.verify import Verification, access_log_verify
from customers.core import masking
from customers.core.actors import Actor
from customers.core.roles import Role
from customers.models import AccessLogEntry, AccessLogSubject, AuditChainHead
from customers.staff.services import staff_emails

logger = logging.getLogger(__name__)

SEAL_BATCH = 5000
__all__ = ["Verification", "access_log_verify"]  # the verifier lives in verify.py


def access_log(
    *,
    actor,
    action: str,
    customers=(),
    fields=(),
    reason: str = "",
    ip_address: str | None = None,
) -> AccessLogEntry:
    """Append one entry: a single INSERT, no lock, so that many writers never wait.

    ``customers`` are ids or Customer objects; no personal data is stored. The by-customer
    index (AccessLogSubject) is written by the sealer, within a minute.
    """
    ids = sorted({getattr(c, "pk", c) for c in customers})
    actor = Actor.of(actor)
    entry = AccessLogEntry.objects.create(
        **actor.recorded(),
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


def access_log_seal(*, batch: int = SEAL_BATCH) -> int:
    """Seal the unsealed entries, oldest id first, into the chain. One sealer at a time (the
    head row is locked); writers are never blocked. Returns how many were sealed."""
    # Durable: the seal is its own transaction (never a savepoint of a caller's), so that the
    # anchor written after it names a head that is committed.
    with transaction.atomic(durable=True):
        head, created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        if created:
            sign(head)
            head.save(update_fields=["signature", "pruned_signature"])
        elif (behind := _behind_its_anchor(head)) is not None:
            # A signed head row written back over a longer chain (entries deleted, the saved
            # head restored): sealing on top of it would bury the rollback under new anchors.
            logger.error("access_log.head_behind_anchor seq=%s anchored=%s", head.seq, behind)
            raise HeadNotSigned("the access-log chain head is behind its anchor: rolled back")
        elif not head_ok(head):
            # Re-signing would make a moved start or end look legitimate: stop and say so.
            logger.error("access_log.head_not_signed seq=%s", head.seq)
            raise HeadNotSigned("the access-log chain head was changed without the key")
        rows = list(
            AccessLogEntry.objects.filter(seal_seq__isnull=True)
            .order_by("id")
            .values(*CONTENT)[:batch]
        )
        if not rows:
            return 0
        key_, now = key(), timezone.now()
        seq, prev, updates = head.seq, head.hash, []
        for row in rows:
            seq += 1
            digest = chain_hash(prev, row, seq, key_)
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
        sign(head)
        head.save(update_fields=["seq", "hash", "signature", "pruned_signature", "updated_at"])
        AccessLogSubject.objects.bulk_create(
            [
                AccessLogSubject(entry_id=row["id"], customer_id=customer_id)
                for row in rows
                for customer_id in row["customer_ids"]
            ],
            batch_size=5000,
        )
    # Committed (beat calls this outside any transaction): the new head, outside the database.
    anchor_write(seq=seq, hash=prev)
    logger.info("access_log.sealed count=%s head=%s", len(rows), seq)
    return len(rows)


def _behind_its_anchor(head) -> int | None:
    """The newest anchor's position when the head is behind it (a restore's own anchor
    excepted: it is the head it restored)."""
    anchor = anchor_latest()
    if anchor is not None and not anchor.get("restored") and anchor["seq"] > head.seq:
        return anchor["seq"]
    return None


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
            if not head_ok(head):
                logger.error("access_log.head_not_signed seq=%s", head.seq)
                raise HeadNotSigned("the access-log chain head was changed without the key")
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
            deleted = _delete_sealed(head.pruned_seq, limit)
            # The new start is signed with the cutoff that allowed it (the verifier checks the
            # cutoff against the retention period): a start moved by hand does not verify.
            head.pruned_seq, head.pruned_hash, head.pruned_before = limit, last, before
            sign(head)
            head.save(
                update_fields=[
                    "pruned_seq",
                    "pruned_hash",
                    "pruned_before",
                    "signature",
                    "pruned_signature",
                    "updated_at",
                ]
            )
        total += deleted
        logger.info("access_log.pruned through=%s count=%s", limit, deleted)


def _delete_sealed(after: int, through: int) -> int:
    """Delete the sealed entries ``after < seal_seq <= through`` and their by-customer rows,
    in SQL: the ledger's models refuse deletion through the ORM (append-only), and pruning
    past the retention period is the one deletion the chain allows."""
    entries = connection.ops.quote_name(AccessLogEntry._meta.db_table)
    subjects = connection.ops.quote_name(AccessLogSubject._meta.db_table)
    entry = connection.ops.quote_name(AccessLogSubject._meta.get_field("entry").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {subjects} WHERE {entry} IN "  # noqa: S608  # nosec B608 (names quoted)
            f"(SELECT id FROM {entries} WHERE seal_seq > %s AND seal_seq <= %s)",
            [after, through],
        )
        cursor.execute(
            f"DELETE FROM {entries} WHERE seal_seq > %s AND seal_seq <= %s",  # noqa: S608  # nosec B608
            [after, through],
        )
        return cursor.rowcount
