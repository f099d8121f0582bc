"""The suppression lists' stored hashes (``api.SubjectHash``).

Listing a customer needs the client's HMAC of the normalised address, and computing it needs
the address decrypted (30–70 µs a value): done once per client and value, then kept, keyed
by the value's blind index. A read that finds a hash missing computes and stores it; a new
client is warmed in the background; the daily refresh fills what is missing for every
client that may read the lists and deletes what no customer's index names any more.

Erasure deletes the erased customers' rows in its own transaction (``api.signals``), and a
fill locks the customer rows it reads until it commits: an erasure running at
the same time either waits for the fill and then deletes what it stored, or goes first and
the fill no longer sees the customer. (``FOR NO KEY UPDATE``: Django has no ``FOR SHARE``;
two clients' fills of the same customers take turns, which only a cold read ever does.) Revoking a client deletes its rows.
"""

import logging
import time

from django.db import connection, transaction
from django.db.models import (
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    TextField,
)

from api.models import ApiClient, Scope, SubjectHash
from api.selectors import CHANNEL_FIELDS, identifier_hash, jit_off
from customers.core import crypto, jobs
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
        annotations[f"{field}_hash"] = Subquery(
            SubjectHash.objects.filter(
                client_id=client_id, index=OuterRef(f"{field}_index")
            ).values("hash")
        )
        annotations[f"{field}_token"] = ExpressionWrapper(F(field), output_field=TextField())
        columns += [f"{field}_index", f"{field}_hash", f"{field}_token"]
    return list(
        Customer.objects.filter(pk__any=list(customer_ids))
        .exclude(status=Customer.Status.ERASED)
        .select_for_update(no_key=True)
        .annotate(**annotations)
        .order_by()
        .values_list("pk", *columns)
    )


def _store(client_id: int, new: dict) -> None:
    if connection.vendor != "postgresql":
        SubjectHash.objects.bulk_create(
            [SubjectHash(client_id=client_id, index=i, hash=h) for i, h in new.items()],
            ignore_conflicts=True,
        )
        return
    # Two arrays in one statement: no model instance per row (a warm run stores a million).
    table = connection.ops.quote_name(SubjectHash._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("index", client_id, hash) '  # noqa: S608  # nosec B608
            "SELECT i, %s, h FROM unnest(%s::text[], %s::text[]) AS v(i, h) "
            'ON CONFLICT ("index", client_id) DO NOTHING',
            [client_id, list(new), list(new.values())],
        )


def subject_hashes_fill(*, client: ApiClient, customer_ids, fields=CONTACT_FIELDS) -> dict:
    """The client's hashes of these customers' contact ``fields``, computing and storing the
    missing ones. Returns ``{(customer id, field): hash}`` for every non-empty field of the
    customers not erased, read under a row lock held until the caller's transaction ends."""
    if not customer_ids:
        return {}
    found, new = {}, {}
    with transaction.atomic():
        for row in _fill_rows(client_id=client.pk, customer_ids=customer_ids, fields=fields):
            for n, field in enumerate(fields):
                index, stored, token = row[1 + 3 * n : 4 + 3 * n]
                if not index:
                    continue
                if stored is None:
                    if index not in new:
                        value = crypto.decrypt(token) if token else ""
                        new[index] = identifier_hash(client.suppression_salt, field, value)
                    stored = new[index]
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


def _missing(client_id: int):
    """Customers (not erased) with a contact index for which this client stores no hash."""
    query = Q()
    for field in CONTACT_FIELDS:
        index = f"{field}_index"
        stored = SubjectHash.objects.filter(client_id=client_id, index=OuterRef(index))
        query |= ~Q(**{index: ""}) & ~Exists(stored)
    return Customer.objects.exclude(status=Customer.Status.ERASED).filter(query)


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
    after ``after``. Returns (hashes stored or found, the id to resume after when
    ``seconds`` ran out, else None). A revoked client, or one that may not read the lists,
    gets nothing."""
    client = next((c for c in _readers() if c.pk == client_id), None)
    if client is None:
        return 0, None
    started, count = time.monotonic(), 0
    while True:
        with transaction.atomic():
            jit_off()
            ids = list(
                _missing(client.pk)
                .filter(pk__gt=after)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return count, None
            count += len(subject_hashes_fill(client=client, customer_ids=ids))
        after = ids[-1]
        if seconds is not None and time.monotonic() - started > seconds:
            return count, after


def subject_hashes_warm_soon(*, client: ApiClient) -> None:
    """After the caller's commit, warm a client that may read the lists (ids only)."""
    if client.is_active and Scope.SUPPRESSION_READ in client.scopes:
        pk = client.pk
        transaction.on_commit(lambda: jobs.enqueue(jobs.SUBJECT_HASHES_WARM, pk))


def subject_hashes_follow_scopes(*, client: ApiClient) -> None:
    """After a client's scopes changed: warm it if it may read the lists, else delete its
    hashes."""
    if client.is_active and Scope.SUPPRESSION_READ in client.scopes:
        subject_hashes_warm_soon(client=client)
    else:
        subject_hashes_client_forget(client=client)


def subject_hashes_forget(*, customer_ids) -> int:
    """Delete every client's hashes of these customers' current contact values (erasure,
    before their indexes are wiped). A hash another customer sharing the value still needs
    is computed again on the next read."""
    columns = [f"{field}_index" for field in CONTACT_FIELDS]
    indexes = {
        index
        for row in Customer.objects.filter(pk__in=customer_ids).values_list(*columns)
        for index in row
        if index
    }
    if not indexes:
        return 0
    return SubjectHash.objects.filter(index__in=indexes).delete()[0]


def subject_hashes_client_forget(*, client: ApiClient) -> int:
    return SubjectHash.objects.filter(client_id=client.pk).delete()[0]


def _orphans():
    """Rows whose index no customer holds now in any contact field (erased customers hold
    none: erasure empties their indexes)."""
    # NOT EXISTS … AND NOT EXISTS …: each an anti-join on PostgreSQL (NOT (… OR …) is not).
    unheld = [
        ~Exists(
            Customer.objects.filter(**{f"{field}_index": OuterRef("index")}).exclude(
                status=Customer.Status.ERASED
            )
        )
        for field in CONTACT_FIELDS
    ]
    return SubjectHash.objects.filter(*unheld)


def subject_hashes_refresh() -> dict:
    """The daily run: delete the rows of clients that may no longer read the lists and the
    rows whose index no current customer holds (an address changed, a read that raced an
    erasure or a revocation), then warm every client that may read them."""
    readers = [client.pk for client in _readers()]
    with transaction.atomic():
        clients = SubjectHash.objects.exclude(client_id__in=readers).delete()[0]
        orphans = _orphans().delete()[0]
        for pk in readers:
            transaction.on_commit(lambda pk=pk: jobs.enqueue(jobs.SUBJECT_HASHES_WARM, pk))
    summary = {"clients_forgotten": clients, "orphans": orphans, "warming": len(readers)}
    logger.info("api.subject_hashes_refreshed %s", summary)
    return summary
