"""One row INSERTed as a prepared statement: the public form POSTs' one write.

A cookie choice or a registration is stored by one INSERT while the visitor waits. Through
the ORM, most of that INSERT's time in Python is compiling the same SQL again and quoting
the values into it, and PostgreSQL parses and plans it again. Here the statement is built
once per model and process and prepared once per connection (server-side binding); the
values are prepared by the model's own fields (``pre_save`` and ``get_db_prep_save``: the
same encryption, JSON and defaults as ``Model.save``).

Only for a model without save signals or an overridden ``save``: where either exists, or the
database is not PostgreSQL, or prepared statements are off (``DB_PREPARED_STATEMENTS``),
the row goes through ``Model.save`` as usual.
"""

import time

import psycopg
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, models, transaction
from django.db.models.signals import post_save, pre_save

_statements: dict[type, tuple[str, list]] = {}


def _statement(model) -> tuple[str, list]:
    found = _statements.get(model)
    if found is None:
        meta, quote = model._meta, connection.ops.quote_name
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        columns = ", ".join(quote(f.column) for f in fields)
        values = ", ".join(["%s"] * len(fields))
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({values}) "  # noqa: S608  # nosec B608
            f"RETURNING {quote(meta.pk.column)}"
        )
        found = _statements[model] = (sql, fields)
    return found


def _plain(model) -> bool:
    """Nothing is skipped by not calling save(): no signal receivers, the stock save, an
    auto-increment key, no parent model, no value the database computes or defaults."""
    meta = model._meta
    return (
        model.save is models.Model.save
        and model.save_base is models.Model.save_base
        and model._do_insert is models.Model._do_insert
        and meta.pk is meta.auto_field
        and not meta.parents
        and not any(f.generated or f.has_db_default() for f in meta.concrete_fields)
        and not pre_save.has_listeners(model)
        and not post_save.has_listeners(model)
    )


def prepared_enabled() -> bool:
    db = connections[DEFAULT_DB_ALIAS]
    return (
        db.vendor == "postgresql"
        and db.settings_dict.get("OPTIONS", {}).get("prepare_threshold") is not None
    )


def _cursor(raw: psycopg.Connection) -> psycopg.Cursor:
    """A server-side-binding cursor (Django's own binds on the client and cannot prepare),
    one per database connection and kept with it: a new cursor looks up how to send each
    parameter's type again (about 80 µs a statement). A cursor stays usable after a failed
    statement; a new connection (Django reconnects) gets a new one."""
    db = connections[DEFAULT_DB_ALIAS]
    cursor = getattr(db, "_fast_insert_cursor", None)
    if cursor is None or cursor.connection is not raw or cursor.closed:
        cursor = db._fast_insert_cursor = psycopg.Cursor(raw)
    return cursor


def execute_prepared(sql: str, params, *, prepare: bool = True) -> list[tuple]:
    """Run one statement prepared on the server (once per connection) and return its rows.
    ``prepare=False``: bound on the server but planned for these values each time (for a
    statement whose best plan depends on them).
    Database errors are Django's; the statement is in ``connection.queries`` like any other
    (assertNumQueries and the debug tools see it)."""
    # What Django's cursor() does first: replace a connection found dead (with
    # CONN_HEALTH_CHECKS on) and refuse to run inside a transaction already marked for rollback.
    # ``connection`` is a proxy that looks the thread's connection up at every attribute:
    # looked up once here.
    db = connections[DEFAULT_DB_ALIAS]
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_no_broken_transaction()
    started = time.monotonic()
    cursor = _cursor(db.connection)
    with db.wrap_database_errors:
        cursor.execute(sql, params, prepare=prepare)
        rows = (
            cursor.fetchall() if cursor.rownumber is not None else []
        )  # (description builds columns)
    if db.queries_logged:
        db.queries_log.append(
            {"sql": sql, "time": f"{time.monotonic() - started:.3f}", "prepared": True}
        )
    return rows


def insert(obj: models.Model) -> models.Model:
    """INSERT ``obj`` (a new, unsaved instance) and set its primary key; autocommit applies
    as for ``save()``."""
    model = type(obj)
    if not prepared_enabled() or not _plain(model):
        obj.save(force_insert=True)
        return obj
    sql, fields = _statement(model)
    db = connections[DEFAULT_DB_ALIAS]
    params = [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]
    obj.pk = execute_prepared(sql, params)[0][0]
    obj._state.adding, obj._state.db = False, db.alias
    return obj


_guarded: dict[tuple, tuple[str, list]] = {}


def _guarded_statement(model, key: str, group: str, since: str, limit: int) -> tuple[str, list]:
    found = _guarded.get((model, key, group, since, limit))
    if found is None:
        meta, quote = model._meta, connection.ops.quote_name
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        table = quote(meta.db_table)
        columns = ", ".join(quote(f.column) for f in fields)
        # Typed, since a SELECT's parameters do not take their types from the columns.
        values = ", ".join(f"CAST(%s AS {f.cast_db_type(connection)})" for f in fields)
        column = {f.name: quote(f.column) for f in fields}
        sql = (
            f"INSERT INTO {table} ({columns}) SELECT {values} "  # noqa: S608  # nosec B608
            f"WHERE (SELECT count(*) FROM (SELECT 1 FROM {table} "
            # The limit written in, not a parameter: planned once for the connection (with
            # a parameter, PostgreSQL's generic plan looks costlier and it plans every time).
            f"WHERE {column[group]} = %s AND {column[since]} > %s LIMIT {limit:d}) AS recent) "
            f"< {limit:d} "
            f"ON CONFLICT ({column[key]}) DO NOTHING RETURNING {quote(meta.pk.column)}"
        )
        found = _guarded[(model, key, group, since, limit)] = (sql, fields)
    return found


def insert_guarded(
    obj: models.Model, *, key: str, group: str, since: str, after, limit: int
) -> models.Model | None:
    """INSERT ``obj`` unless a row already holds its value of ``key`` (a unique field), or
    ``limit`` rows with its value of ``group`` have ``since`` later than ``after``. Returns
    ``obj`` with its primary key, or None when nothing was stored.

    One statement on PostgreSQL, in autocommit: the check and the write cost no round trip
    of their own. Two concurrent INSERTs of the same key store one row (the second waits for
    the first and stores nothing). The count is not locked: requests of the same group at
    the same instant can each see room for one more (at most as many over as run at once).
    Elsewhere (SQLite) the same, in a transaction."""
    model = type(obj)
    if not prepared_enabled() or not _plain(model):
        return _insert_guarded_orm(obj, key=key, group=group, since=since, after=after, limit=limit)
    sql, fields = _guarded_statement(model, key, group, since, int(limit))
    db = connections[DEFAULT_DB_ALIAS]
    params = [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]
    rows = execute_prepared(sql, [*params, getattr(obj, group), after])
    if not rows:
        return None
    obj.pk = rows[0][0]
    obj._state.adding, obj._state.db = False, db.alias
    return obj


def _insert_guarded_orm(obj, *, key, group, since, after, limit):
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
