"""One INSERT that keeps its own guards: a unique key, and at most so many rows a window.

The public forms accept a form only when the same rendered form was not stored already (a
double click) and its sender has not sent too many in the last minutes. On PostgreSQL both
checks live in the INSERT itself, so that they hold without Redis and cost no round trip of
their own; elsewhere (SQLite) the same checks run in a transaction.

The row goes in without ``Model.save``: the model this is used for must have no ``save()``
of its own and no ``pre_save``/``post_save`` receivers (``insert_guarded`` refuses one that
has). Values are prepared by the model's own fields (``pre_save``, ``get_db_prep_save``), so
encryption, JSON and defaults are the same as ``save()``'s.
"""

from django.db import IntegrityError, connection, models, transaction
from django.db.models.signals import post_save, pre_save


def insert_guarded(
    obj: models.Model, *, key: str, group: str, since: str, after, limit: int
) -> models.Model | None:
    """INSERT ``obj`` unless a row already holds its value of ``key`` (a unique field), or
    ``limit`` rows with its value of ``group`` have ``since`` later than ``after``. Returns
    ``obj`` with its primary key, or None when nothing was stored.

    One statement on PostgreSQL, in autocommit. Two concurrent INSERTs of the same key store
    one row (the second waits for the first and stores nothing). The count is not locked:
    requests of the same group at the same instant can each see room for one more (at most
    as many over as run at once)."""
    model = type(obj)
    if (
        model.save is not models.Model.save
        or pre_save.has_listeners(model)
        or post_save.has_listeners(model)
    ):
        raise TypeError(f"{model.__name__} has a save() or save signals: insert_guarded skips them")
    if connection.vendor != "postgresql":
        return insert_guarded_in_transaction(
            obj, key=key, group=group, since=since, after=after, limit=limit
        )
    meta, quote = model._meta, connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    table = quote(meta.db_table)
    column = {f.name: quote(f.column) for f in fields}
    # Typed, since a SELECT's parameters do not take their types from the columns.
    values = ", ".join(f"CAST(%s AS {f.cast_db_type(connection)})" for f in fields)
    sql = (
        f"INSERT INTO {table} ({', '.join(column.values())}) SELECT {values} "  # noqa: S608  # nosec B608
        f"WHERE (SELECT count(*) FROM (SELECT 1 FROM {table} "
        f"WHERE {column[group]} = %s AND {column[since]} > %s LIMIT %s) AS recent) < %s "
        f"ON CONFLICT ({column[key]}) DO NOTHING RETURNING {quote(meta.pk.column)}"
    )
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, getattr(obj, group), after, limit, limit])
        row = cursor.fetchone()
    if row is None:
        return None
    # Now a saved row, as save() would leave it (Model._state is documented API).
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj


def insert_guarded_in_transaction(obj, *, key, group, since, after, limit):
    """``insert_guarded`` through the ORM, in a transaction: for databases other than
    PostgreSQL (the count and the key are checked first, then the row saved)."""
    manager = type(obj)._default_manager
    value = getattr(obj, key)
    try:
        with transaction.atomic():
            if value is not None and manager.filter(**{key: value}).exists():
                return None
            recent = manager.filter(**{group: getattr(obj, group), f"{since}__gt": after})
            if recent[:limit].count() >= limit:
                return None
            obj.save(force_insert=True)
    except IntegrityError:
        if value is not None and manager.filter(**{key: value}).exists():
            return None  # the same key, stored meanwhile by a concurrent request
        raise
    return obj
