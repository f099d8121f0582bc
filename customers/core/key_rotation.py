"""Key changes: re-encryption with the newest Fernet key, re-indexing with a new HMAC key.

Both work in batches, each batch one short transaction holding the row locks of the rows it
reads (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's IMMEDIATE transactions already hold
the database's write lock from BEGIN). An edit committed while a batch runs is therefore
either seen by it or waits for it, and is never overwritten with the value read before it.
Both are resumable: rows already done are skipped, and the last id of each batch is reported.
"""

from dataclasses import dataclass

from django.db import OperationalError, connection, transaction

from customers.core import crypto, selectors
from customers.core.personal_data import (
    CUSTOMER_FIELDS,
    blind_indexes,
    encrypted_fields,
    search_columns,
)

RETRIES = 3  # a batch that loses a deadlock (an edit locking rows in another order) again


@dataclass
class RotationProgress:
    table: str
    scanned: int
    rotated: int
    last_id: int


def _lock_clause() -> str:
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def _with_retries(batch):
    for attempt in range(RETRIES):
        try:
            with transaction.atomic():
                return batch()
        except OperationalError:
            if attempt == RETRIES - 1:
                raise


def keys_rotate(*, batch_size: int = 500, start_after: dict | None = None):
    """Yield progress per batch while rewriting values not yet under the newest key.

    Values already under the newest key are left alone, so a second run (or a run resumed
    after an interruption) changes nothing it does not need to. Works on raw columns: the
    model layer only ever sees clear text.
    """
    start_after = start_after or {}
    quote = connection.ops.quote_name
    for model, fields in encrypted_fields():
        table = model._meta.db_table
        pk = model._meta.pk.column
        columns = [model._meta.get_field(name).column for name in fields]
        select = (
            f"SELECT {quote(pk)}, {', '.join(quote(c) for c in columns)} FROM {quote(table)} "  # noqa: S608  # nosec B608 (identifiers from the model registry)
            f"WHERE {quote(pk)} > %s ORDER BY {quote(pk)} LIMIT %s{_lock_clause()}"
        )
        update = (
            f"UPDATE {quote(table)} SET {', '.join(f'{quote(c)} = %s' for c in columns)} "  # noqa: S608  # nosec B608
            f"WHERE {quote(pk)} = %s"
        )
        last_id = start_after.get(table, 0)
        scanned = rotated = 0

        while True:
            rows, changes = _with_retries(
                lambda after=last_id, select=select, update=update: _rotate_batch(
                    select, update, after, batch_size
                )
            )
            if not rows:
                break
            scanned += len(rows)
            rotated += len(changes)
            last_id = rows[-1][0]
            yield RotationProgress(table=table, scanned=scanned, rotated=rotated, last_id=last_id)
        if scanned == 0:
            yield RotationProgress(table=table, scanned=0, rotated=0, last_id=last_id)


def _rotate_batch(select, update, after, batch_size):
    with connection.cursor() as cursor:
        cursor.execute(select, [after, batch_size])
        rows = cursor.fetchall()
        changes = []
        for row_id, *values in rows:
            new = [
                crypto.rotate(v) if v and not crypto.encrypted_with_newest_key(v) else v
                for v in values
            ]
            if new != list(values):
                changes.append([*new, row_id])
        if changes:
            cursor.executemany(update, changes)
    return rows, changes


INDEXED = [f for f in CUSTOMER_FIELDS if f.blind_index]
SEARCHED = [f for f in CUSTOMER_FIELDS if f.search_column]


def blind_indexes_rebuild(*, batch_size: int = 500, start_after: int = 0):
    """Recompute every customer's blind indexes with the key that writes them now
    (``BLIND_INDEX_KEY_NEXT`` during a change of key), and the folded names the search
    compares (``search_columns``: a restored dump or an older folding may hold others), in
    locked batches; yields progress."""
    columns = [f.blind_index for f in INDEXED] + [f.search_column for f in SEARCHED]
    last_id, scanned, rebuilt = start_after, 0, 0
    Customer = selectors.model("Customer")

    def batch(after):
        customers = list(
            Customer.objects.select_for_update()
            .filter(pk__gt=after)
            .exclude(status=Customer.Status.ERASED)
            .order_by("pk")[:batch_size]
        )
        changed = []
        for customer in customers:
            fresh = blind_indexes({f.name: getattr(customer, f.name) for f in INDEXED})
            fresh |= search_columns({f.name: getattr(customer, f.name) for f in SEARCHED})
            if any(getattr(customer, name) != value for name, value in fresh.items()):
                customer.__dict__.update(fresh)
                changed.append(customer)
        if changed:
            Customer.objects.bulk_update(changed, columns)
        return customers, changed

    while True:
        customers, changed = _with_retries(lambda after=last_id: batch(after))
        if not customers:
            break
        scanned += len(customers)
        rebuilt += len(changed)
        last_id = customers[-1].pk
        yield RotationProgress(
            table=Customer._meta.db_table, scanned=scanned, rotated=rebuilt, last_id=last_id
        )
    if scanned == 0:
        yield RotationProgress(table=Customer._meta.db_table, scanned=0, rotated=0, last_id=last_id)
