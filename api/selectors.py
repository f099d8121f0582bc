"""Reads for other systems: one customer's consents, the suppression lists."""

import hashlib
import hmac

from django.db import connection
from django.db.models import Exists, FilteredRelation, OuterRef, Q, Subquery

from api.models import SubjectHash
from customers.consents.models import ConsentState, Purpose
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


GRANTED_FIELDS = {
    "pk": "granted__last_event_id",
    "purpose_id": "granted__purpose_id",
    "action": "granted__last_event__action",
    "created_at": "granted__last_event__created_at",
    "wording": "granted__last_event__wording",
    "language": "granted__last_event__language",
    "channel": "granted__last_event__channel",
    "policy_number": "granted__last_event__policy_version__number",
}


def consent_lookup(*, email: str = "", phone: str = "") -> tuple[list[int], list]:
    """The customers an address names and the ledger events behind their current grants, in
    one query (a LEFT JOIN from the blind-index match to the granted states and their
    events). Events come back as light objects with what a consent record shows."""
    from types import SimpleNamespace

    # A grant under a restriction of processing (whole or of its purpose) is not usable: it is
    # answered as not given (issue 28 §3), in the same query.
    restricted = ProcessingRestriction.objects.in_force().filter(
        Q(purpose__isnull=True) | Q(purpose_id=OuterRef("granted__purpose_id")),
        customer_id=OuterRef("pk"),
    )
    rows = (
        customers_by_address(email=email, phone=phone)
        .annotate(
            granted=FilteredRelation("consent_states", condition=Q(consent_states__granted=True))
        )
        .annotate(restricted=Exists(restricted))
        .values(
            "pk", "source", "contact_confirmed_at", "status", "restricted", *GRANTED_FIELDS.values()
        )
    )
    ids, events = [], []
    for row in rows:
        if row["pk"] not in ids:
            ids.append(row["pk"])
        if row[GRANTED_FIELDS["pk"]] is None:
            continue
        if row["source"] == Customer.Source.WEB_FORM and row["contact_confirmed_at"] is None:
            continue  # a web registration acts on its consents once its address is confirmed
        if row["restricted"] or row["status"] == Customer.Status.RESTRICTED:
            continue
        values = {name: row[column] for name, column in GRANTED_FIELDS.items()}
        number = values.pop("policy_number")
        values["purpose"] = purpose_of(values.pop("purpose_id"))
        values["policy_version"] = SimpleNamespace(number=number)
        events.append(SimpleNamespace(**values))
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
    granted = Exists(
        ConsentState.objects.filter(
            customer_id=OuterRef("pk"),
            purpose_id__in=suppression_purpose_ids(channel),
            granted=True,
        )
    )
    # Not granted, restricted, or a web registration not yet confirmed (its consents were
    # ticked by whoever typed the address; it leaves the list once confirmed).
    suppressed = ~granted | Q(status=Customer.Status.RESTRICTED) | UNCONFIRMED_WEB_REGISTRATION
    if channel == "email":
        suppressed |= Q(email_suspended_at__isnull=False)
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
