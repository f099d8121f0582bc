"""The suppression lists' stored hashes (``api.SubjectHash``).

Listing a customer needs the client's HMAC of the normalised address, and computing it needs
the address decrypted (BENCHMARKS.md has what that costs): done once per client, customer
and value, then kept with the value's blind index. A read that finds a hash missing (or computed for an
address the customer no longer has) computes and stores it; a new client is warmed in the
background; the daily refresh deletes what no longer matches and fills what is missing for
every client that may read the lists.

Erasure deletes the erased customers' rows in its own transaction (``api.signals``), and a
fill locks the customer rows it reads until it commits: an erasure running at the same time
either waits for the fill and then deletes what it stored, or goes first and the fill no
longer sees the customer. (``FOR NO KEY UPDATE``: Django has no ``FOR SHARE``; two clients'
fills of the same customers take turns, which only cold reads ever do.) Revoking a client
deletes its rows.
"""

import logging
import time

from django.db import connection, transaction
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, TextField

from api.models import ApiClient, Scope, SubjectHash
from api.selectors import CHANNEL_FIELDS, identifier_hash, jit_off, stored_hash
from customers.core import crypto, jobs
from customers.core.actors import Actor
from customers.models import Customer

logger = logging.getLogger(__name__)

# Every contact field a list can name (email; sms; call), with a blind index of its own.
CONTACT_FIELDS = ("email", "phone_mobile", "phone_home", "phone_office")
WARM_BATCH = 5_000


def _fill_rows(*, client_id: int, customer_ids, fields) -> list[tuple]:
    """(id, index, stored hash or None, ciphertext, …) per customer not erased, the rows
    locked until the transaction ends. The ciphertext comes back as stored: only the values
    whose hash is missing get decrypted."""
    columns, annotations = [], {}
    for field in fields:
        annotations[f"{field}_hash"] = stored_hash(client_id, field)
        annotations[f"{field}_token"] = ExpressionWrapper(F(field), output_field=TextField())
        columns += [f"{field}_index", f"{field}_hash", f"{field}_token"]
    return list(
        Customer.objects.filter(pk__any=list(customer_ids))
        .exclude(status=Customer.Status.ERASED)
        .select_for_update(no_key=True)
        .annotate(**annotations)
        .order_by("pk")  # locks taken in one order by every fill: no deadlock between two
        .values_list("pk", *columns)
    )


def _store(client_id: int, new: list[tuple]) -> None:
    """Insert (customer id, field, index, hash) rows, replacing a row of an older value."""
    if connection.vendor != "postgresql":
        SubjectHash.objects.bulk_create(
            [
                SubjectHash(client_id=client_id, customer_id=c, field=f, index=i, hash=h)
                for c, f, i, h in new
            ],
            update_conflicts=True,
            unique_fields=["client", "customer_id", "field"],
            update_fields=["index", "hash"],
        )
        return
    # Arrays in one statement: no model instance per row (a warm run stores a million).
    table = connection.ops.quote_name(SubjectHash._meta.db_table)
    customers, fields, indexes, hashes = (list(column) for column in zip(*new, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} (client_id, customer_id, field, "index", hash) '  # noqa: S608  # nosec B608
            "SELECT %s, c, f, i, h FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[]) "
            "AS v(c, f, i, h) ON CONFLICT (client_id, customer_id, field) "
            'DO UPDATE SET "index" = EXCLUDED."index", hash = EXCLUDED.hash',
            [client_id, customers, fields, indexes, hashes],
        )


def subject_hashes_fill(*, client: ApiClient, customer_ids, fields=CONTACT_FIELDS) -> dict:
    """The client's hashes of these customers' contact ``fields``, computing and storing the
    missing ones. Returns ``{(customer id, field): hash}`` for every non-empty field of the
    customers not erased, read under a row lock held until the caller's transaction ends."""
    if not customer_ids:
        return {}
    found, new, computed = {}, [], {}
    with transaction.atomic():
        for row in _fill_rows(client_id=client.pk, customer_ids=customer_ids, fields=fields):
            for n, field in enumerate(fields):
                index, stored, token = row[1 + 3 * n : 4 + 3 * n]
                if not index:
                    continue
                if stored is None:
                    if index not in computed:  # a value several customers share: once
                        value = crypto.decrypt(token) if token else ""
                        computed[index] = identifier_hash(client.suppression_salt, field, value)
                    stored = computed[index]
                    new.append((row[0], field, index, stored))
                found[(row[0], field)] = stored
        if new:
            _store(client.pk, new)
    return found


def suppression_hashes(*, client: ApiClient, channel: str, rows) -> list[str]:
    """The hashes to list for a page of ``api.selectors.suppression_page`` rows, in order:
    stored ones as they are, missing ones computed (decrypting) and stored for next time."""
    fields = CHANNEL_FIELDS[channel]
    pairs = range(1, 1 + 2 * len(fields), 2)
    missing = [row[0] for row in rows if any(row[i] and row[i + 1] is None for i in pairs)]
    filled = subject_hashes_fill(client=client, customer_ids=missing, fields=fields)
    if filled:
        logger.info("api.subject_hashes_filled client_id=%s count=%s", client.pk, len(filled))
    hashes = []
    for row in rows:
        for field, i in zip(fields, pairs, strict=True):
            if not row[i]:
                continue
            value = row[i + 1] or filled.get((row[0], field))
            if value:  # None: the address was emptied, or the customer erased, meanwhile
                hashes.append(value)
    return hashes


def _missing(client_id: int, *, after: int, batch: int) -> tuple[list[int], int | None]:
    """Of the next ``batch`` customers after ``after`` (not erased), those with a contact
    value this client has no hash of; and the last id looked at (None: no customer left).
    The stored hashes are probed per customer in the select list, as a page does: an
    EXISTS in the WHERE clause may be planned as a hashed scan of all the client's rows."""
    columns = []
    annotations = {}
    for field in CONTACT_FIELDS:
        annotations[f"{field}_hash"] = stored_hash(client_id, field)
        columns += [f"{field}_index", f"{field}_hash"]
    rows = list(
        Customer.objects.filter(pk__gt=after)
        .exclude(status=Customer.Status.ERASED)
        .annotate(**annotations)
        .order_by("pk")
        .values_list("pk", *columns)[:batch]
    )
    if not rows:
        return [], None
    pairs = range(1, 1 + 2 * len(CONTACT_FIELDS), 2)
    return [r[0] for r in rows if any(r[i] and r[i + 1] is None for i in pairs)], rows[-1][0]


def _readers() -> list[ApiClient]:
    """Active clients that may read the lists (a handful: filtered here, on any database)."""
    return [
        client
        for client in ApiClient.objects.filter(revoked_at__isnull=True)
        if Scope.SUPPRESSION_READ in client.scopes
    ]


def subject_hashes_warm(
    *, client_id: int, after: int = 0, seconds: float | None = None, batch: int = WARM_BATCH
) -> tuple[int, int | None]:
    """Store the client's missing hashes, ``batch`` customers per transaction, in id order
    after ``after``. Returns (the hashes of the customers that missed one, the id to resume
    after when ``seconds`` ran out, else None). A revoked client, or one that may not read
    the lists, gets nothing."""
    client = next((c for c in _readers() if c.pk == client_id), None)
    if client is None:
        return 0, None
    started, count = time.monotonic(), 0
    while True:
        with transaction.atomic():
            jit_off()
            ids, last = _missing(client.pk, after=after, batch=batch)
            if last is None:
                return count, None
            count += len(subject_hashes_fill(client=client, customer_ids=ids))
        after = last
        if seconds is not None and time.monotonic() - started > seconds:
            return count, after


def subject_hashes_warm_soon(*, client: ApiClient) -> None:
    """After the caller's commit, warm a client that may read the lists (ids only)."""
    if client.is_active and Scope.SUPPRESSION_READ in client.scopes:
        pk = client.pk
        transaction.on_commit(lambda: jobs.enqueue(jobs.SUBJECT_HASHES_WARM, pk))


def subject_hashes_follow_scopes(*, client: ApiClient, actor) -> None:
    """After a client's scopes changed: warm it if it may read the lists, else delete its
    hashes."""
    Actor.of(actor).require("api.change_apiclient")
    if client.is_active and Scope.SUPPRESSION_READ in client.scopes:
        subject_hashes_warm_soon(client=client)
    else:
        subject_hashes_client_forget(client=client)


def subject_hashes_forget(*, customer_ids) -> int:
    """Delete every client's hashes of these customers (erasure, in its transaction)."""
    return SubjectHash.objects.filter(customer_id__any=list(customer_ids)).delete()[0]


def subject_hashes_client_forget(*, client: ApiClient) -> int:
    return SubjectHash.objects.filter(client_id=client.pk).delete()[0]


def _stale(field: str):
    """Rows of ``field`` that no customer (not erased) holds now: the address changed or was
    emptied, or the customer is gone."""
    current = Customer.objects.filter(
        pk=OuterRef("customer_id"), **{f"{field}_index": OuterRef("index")}
    ).exclude(status=Customer.Status.ERASED)
    return SubjectHash.objects.filter(~Exists(current), field=field)


def subject_hashes_refresh() -> dict:
    """The daily run: delete the rows of clients that may no longer read the lists and the
    rows that no longer match a customer's value (an address changed and not read since, a
    read that raced an erasure or a revocation), then warm every client that may read them."""
    readers = [client.pk for client in _readers()]
    with transaction.atomic():
        clients = SubjectHash.objects.exclude(client_id__in=readers).delete()[0]
        stale = sum(_stale(field).delete()[0] for field in CONTACT_FIELDS)
        for pk in readers:
            transaction.on_commit(lambda pk=pk: jobs.enqueue(jobs.SUBJECT_HASHES_WARM, pk))
    summary = {"clients_forgotten": clients, "stale": stale, "warming": len(readers)}
    logger.info("api.subject_hashes_refreshed %s", summary)
    return summary
