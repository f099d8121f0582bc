"""Re-encryption of every encrypted column with the newest Fernet key."""

from dataclasses import dataclass

from django.db import connection, transaction

from customers.core import crypto
from customers.core.personal_data import encrypted_fields


@dataclass
class RotationProgress:
    table: str
    scanned: int
    rotated: int
    last_id: int


def keys_rotate(*, batch_size: int = 500, start_after: dict | None = None):
    """Yield progress per batch while rewriting values not yet under the newest key.

    Values already under the newest key are left alone, so a second run (or a run resumed
    after an interruption) changes nothing it does not need to. Works on raw columns: the
    model layer only ever sees clear text.
    """
    start_after = start_after or {}
    for model, fields in encrypted_fields():
        table = model._meta.db_table
        pk = model._meta.pk.column
        columns = [model._meta.get_field(name).column for name in fields]
        quote = connection.ops.quote_name
        select = (
            f"SELECT {quote(pk)}, {', '.join(quote(c) for c in columns)} FROM {quote(table)} "  # noqa: S608  # nosec B608 (identifiers from the model registry)
            f"WHERE {quote(pk)} > %s ORDER BY {quote(pk)} LIMIT %s"
        )
        update = (
            f"UPDATE {quote(table)} SET {', '.join(f'{quote(c)} = %s' for c in columns)} "  # noqa: S608  # nosec B608
            f"WHERE {quote(pk)} = %s"
        )
        last_id = start_after.get(table, 0)
        scanned = rotated = 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(select, [last_id, batch_size])
                rows = cursor.fetchall()
                if not rows:
                    break
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
            scanned += len(rows)
            rotated += len(changes)
            last_id = rows[-1][0]
            yield RotationProgress(table=table, scanned=scanned, rotated=rotated, last_id=last_id)
        if scanned == 0:
            yield RotationProgress(table=table, scanned=0, rotated=0, last_id=last_id)
