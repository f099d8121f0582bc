"""Reads for other systems: one customer's consents, the suppression lists."""

import datetime
import hashlib
import hmac

from django.db import connection
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from api.models import SubjectHash
from customers.consents.models import ConsentEvent, ConsentState, PolicyVersion, Purpose
from customers.consents.selectors import purposes_optional
from customers.core.crypto import blind_index_candidates
from customers.core.personal_data import normalise_email, normalise_phone
from customers.core.selectors import UNCONFIRMED_WEB_REGISTRATION
from customers.models import Customer, ProcessingRestriction

# Which stored contact columns a channel reaches, and the purpose that allows marketing on it.
CHANNEL_FIELDS = {
    "email": ("email",),
    "sms": ("phone_mobile",),
    "call": ("phone_mobile", "phone_home", "phone_office"),
}
CHANNEL_PURPOSE_CHANNEL = {"email": "email", "sms": "sms", "call": "phone"}
NORMALISE = {"email": normalise_email}


def identifier_hash(salt: str, field: str, value: str) -> str:
    """HMAC-SHA256 of the normalised address or E.164 number, keyed with the client's salt.

    A client computes the same over its own list: ``hmac(bytes.fromhex(salt),
    value.strip().lower() or the E.164 number, sha256).hexdigest()``.
    """
    normalised = NORMALISE.get(field, normalise_phone)(value) if value else ""
    return hmac.new(bytes.fromhex(salt), normalised.encode(), hashlib.sha256).hexdigest()


def contact_blocked(purpose_channel: str) -> Q:
    """The one rule besides the grant itself of "may we contact this customer for a purpose
    on this channel" (issue 31, finding 9): not while processing is restricted, not for a
    web registration not yet confirmed (anyone could have typed the address), and not by
    email while the email channel is suspended. The lookup and the suppression lists both
    read it, so they cannot disagree."""
    blocked = Q(status=Customer.Status.RESTRICTED) | UNCONFIRMED_WEB_REGISTRATION
    if purpose_channel == Purpose.Channel.EMAIL:
        blocked |= Q(email_suspended_at__isnull=False)
    return blocked


def contact_blocked_row(
    *, purpose_channel: str, status: str, source: str, confirmed: bool, email_suspended: bool
) -> bool:
    """``contact_blocked`` for one customer row already read (the lookup reads the columns in
    its one statement): the same rule, written twice only because one runs in the database
    and one on a row. tests/api/test_contact_rule.py checks that both agree on every case."""
    blocked = status == Customer.Status.RESTRICTED or (
        source == Customer.Source.WEB_FORM and not confirmed
    )
    if purpose_channel == Purpose.Channel.EMAIL:
        blocked = blocked or email_suspended
    return blocked


def customers_by_address(*, email: str = "", phone: str = ""):
    """Customers whose email, or one of whose phones, equals the value (blind index only:
    no search by part of a value). Erased customers have no index left."""
    query = Q()
    if email:
        query |= Q(email_index__in=blind_index_candidates(normalise_email(email)))
    if phone:
        index = blind_index_candidates(normalise_phone(phone))
        query |= Q(phone_mobile_index__in=index) | Q(phone_home_index__in=index)
        query |= Q(phone_office_index__in=index)
    if not query:
        return Customer.objects.none()
    return Customer.objects.filter(query).exclude(status=Customer.Status.ERASED)


def purpose_of(pk: int) -> Purpose:
    """From the cached purposes (cleared whenever one changes); the database for a purpose
    no longer offered."""

    found = next((p for p in purposes_optional() if p.pk == pk), None)
    return found or Purpose.objects.get(pk=pk)


def _lookup_sql(match: str) -> str:
    """The lookup's one statement: the customers an address names (by blind index), their
    state for the contact rule, and the ledger event behind each current grant. Portable
    SQL (PostgreSQL and SQLite), with the tables' and columns' names from the models."""
    q = connection.ops.quote_name
    customer = {f.name: q(f.column) for f in Customer._meta.concrete_fields}
    state = {f.name: q(f.column) for f in ConsentState._meta.concrete_fields}
    event = {f.name: q(f.column) for f in ConsentEvent._meta.concrete_fields}
    limit = {f.name: q(f.column) for f in ProcessingRestriction._meta.concrete_fields}
    version = {f.name: q(f.column) for f in PolicyVersion._meta.concrete_fields}
    return (
        f"SELECT c.{customer['id']}, c.{customer['status']}, c.{customer['source']}, "  # noqa: S608  # nosec B608 (names from the models)
        f"c.{customer['contact_confirmed_at']} IS NOT NULL, "
        f"c.{customer['email_suspended_at']} IS NOT NULL, "
        # A restriction in force of the whole processing, or of the grant's purpose.
        f"EXISTS (SELECT 1 FROM {q(ProcessingRestriction._meta.db_table)} r "
        f"WHERE r.{limit['customer']} = c.{customer['id']} AND r.{limit['lifted_at']} IS NULL "
        f"AND (r.{limit['purpose']} IS NULL OR r.{limit['purpose']} = s.{state['purpose']})), "
        f"e.{event['id']}, e.{event['purpose']}, e.{event['action']}, e.{event['created_at']}, "
        f"e.{event['wording']}, e.{event['language']}, e.{event['channel']}, v.{version['number']} "
        f"FROM {q(Customer._meta.db_table)} c "
        f"LEFT JOIN {q(ConsentState._meta.db_table)} s ON s.{state['customer']} = c.{customer['id']} "
        f"AND s.{state['granted']} = %s "
        f"LEFT JOIN {q(ConsentEvent._meta.db_table)} e ON e.{event['id']} = s.{state['last_event']} "
        f"LEFT JOIN {q(PolicyVersion._meta.db_table)} v "
        f"ON v.{version['id']} = e.{event['policy_version']} "
        f"WHERE c.{customer['status']} <> %s AND ({match})"
    )


def _match(email: str, phone: str) -> tuple[str, list]:
    """The blind-index condition. The email column's index leaves blanks out, so the
    statement says the value is not blank (a blank phone index must never be asked for)."""
    q = connection.ops.quote_name
    if email:
        index = blind_index_candidates(normalise_email(email))
        column = q(Customer._meta.get_field("email_index").column)
        marks = ", ".join(["%s"] * len(index))
        return f"c.{column} IN ({marks}) AND c.{column} <> ''", index
    index = blind_index_candidates(normalise_phone(phone))
    marks = ", ".join(["%s"] * len(index))
    columns = [
        q(Customer._meta.get_field(name).column)
        for name in ("phone_mobile_index", "phone_home_index", "phone_office_index")
    ]
    return " OR ".join(f"c.{column} IN ({marks})" for column in columns), index * len(columns)


def consent_lookup(*, email: str = "", phone: str = "") -> tuple[list[int], list]:
    """The customers an address names and the ledger events behind their current grants
    that may be acted on now (``contact_blocked``), in one statement. Events come back as
    light objects with what a consent record shows."""
    from types import SimpleNamespace

    if not email and not phone:
        return [], []
    match, params = _match(email, phone)
    with connection.cursor() as cursor:
        cursor.execute(_lookup_sql(match), [True, Customer.Status.ERASED, *params])
        rows = cursor.fetchall()
    created_at = ConsentEvent._meta.get_field("created_at")
    ids, events = [], []
    for pk, status, source, confirmed, suspended, restricted, event_id, purpose_id, *event in rows:
        if pk not in ids:
            ids.append(pk)
        if event_id is None or restricted:
            continue  # none given, or given under a restriction of processing (issue 28 §3)
        purpose = purpose_of(purpose_id)
        if contact_blocked_row(
            purpose_channel=purpose.channel,
            status=status,
            source=source,
            confirmed=bool(confirmed),
            email_suspended=bool(suspended),
        ):
            continue  # given, but not to be acted on now: the suppression list names them
        action, created, wording, language, channel, number = event
        created = created_at.to_python(created)  # SQLite answers text
        if timezone.is_naive(created):
            created = timezone.make_aware(created, datetime.UTC)
        events.append(
            SimpleNamespace(
                pk=event_id,
                purpose=purpose,
                action=action,
                created_at=created,
                wording=wording,
                language=language,
                channel=channel,
                policy_version=SimpleNamespace(number=number),
            )
        )
    events.sort(key=lambda e: (e.purpose.order, e.purpose.pk, e.pk))
    return ids, events


def jit_off() -> None:
    """PostgreSQL's JIT for the rest of the transaction: off. A page's estimated cost (a
    LIMIT over a million rows) makes it compile the expressions, which takes a large part of
    the query's own time and saves nothing (BENCHMARKS.md, the suppression list)."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def suppression_purpose_ids(channel: str) -> list[int]:
    return list(
        Purpose.objects.filter(
            channel=CHANNEL_PURPOSE_CHANNEL[channel], is_marketing=True
        ).values_list("pk", flat=True)
    )


def stored_hash(client_id: int, field: str) -> Subquery:
    """The client's stored hash of the customer's ``field``, if it was computed for the value
    the customer holds now (its blind index matches), else NULL: a LEFT JOIN by another
    name, one primary-key probe per customer, consecutive for customers in id order."""
    return Subquery(
        SubjectHash.objects.filter(
            client_id=client_id,
            customer_id=OuterRef("pk"),
            field=field,
            index=OuterRef(f"{field}_index"),
        ).values("hash")
    )


def suppression_page(*, client_id: int, channel: str, after: int, limit: int) -> list[tuple]:
    """Customers who must not get marketing on ``channel`` now, in id order after ``after``:
    no current grant of the channel's marketing purpose, or processing restricted, or
    (email) the channel suspended. Erased customers have no address left to list; other
    systems learn of them by the erasure webhook.

    One row per customer: ``(id, index, hash, index, hash, …)``, a pair per contact field of
    the channel (``CHANNEL_FIELDS``): the field's blind index ("" when the field is empty)
    and this client's stored hash of that index (None when none is stored yet). Nothing is
    decrypted here; ``api.services.suppressions`` computes the missing hashes."""
    fields = CHANNEL_FIELDS[channel]
    has_address = Q()
    for field in fields:
        has_address |= ~Q(**{f"{field}_index": ""})
    # A grant of the channel's marketing purpose, not under a restriction of that purpose.
    purpose_restricted = ProcessingRestriction.objects.in_force().filter(
        customer_id=OuterRef("customer_id"), purpose_id=OuterRef("purpose_id")
    )
    granted = Exists(
        ConsentState.objects.filter(
            customer_id=OuterRef("pk"),
            purpose_id__in=suppression_purpose_ids(channel),
            granted=True,
        ).exclude(Exists(purpose_restricted))
    )
    # Not granted, or granted but not to be acted on now (the lookup's rule too).
    suppressed = ~granted | contact_blocked(CHANNEL_PURPOSE_CHANNEL[channel])
    stored = {f"{field}_hash": stored_hash(client_id, field) for field in fields}
    columns = [name for field in fields for name in (f"{field}_index", f"{field}_hash")]
    jit_off()
    return list(
        Customer.objects.filter(has_address, suppressed, pk__gt=after)
        .exclude(status=Customer.Status.ERASED)
        .annotate(**stored)
        .order_by("pk")
        .values_list("pk", *columns)[:limit]
    )
