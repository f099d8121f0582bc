"""Reads for other systems: one customer's consents, the suppression lists."""

import hashlib
import hmac

from django.db.models import Exists, OuterRef, Q

from consents.models import ConsentState, Purpose
from customers.crypto import blind_index
from customers.models import Customer
from customers.personal_data import normalise_email, normalise_phone

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
        query |= Q(email_index=blind_index(normalise_email(email)))
    if phone:
        index = blind_index(normalise_phone(phone))
        query |= Q(phone_mobile_index=index) | Q(phone_home_index=index)
        query |= Q(phone_office_index=index)
    if not query:
        return Customer.objects.none()
    return Customer.objects.filter(query).exclude(status=Customer.Status.ERASED)


def consents_granted_for(customer_ids) -> list[ConsentState]:
    """The purposes granted now, with the event (policy version, time) that granted each."""
    return list(
        ConsentState.objects.filter(customer_id__in=customer_ids, granted=True)
        .select_related("purpose", "last_event__policy_version")
        .order_by("purpose__order", "purpose_id", "customer_id")
    )


def suppression_purpose_ids(channel: str) -> list[int]:
    return list(
        Purpose.objects.filter(
            channel=CHANNEL_PURPOSE_CHANNEL[channel], is_marketing=True
        ).values_list("pk", flat=True)
    )


def suppression_page(*, channel: str, after: int, limit: int):
    """Customers (id, contact values) who must not get marketing on ``channel`` now, in id
    order after ``after``: no current grant of the channel's marketing purpose, or
    processing restricted, or (email) the channel suspended. Erased customers have no
    address left to list; other systems learn of them by the erasure webhook."""
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
    suppressed = ~granted | Q(status=Customer.Status.RESTRICTED)
    if channel == "email":
        suppressed |= Q(email_suspended_at__isnull=False)
    return list(
        Customer.objects.filter(has_address, suppressed, pk__gt=after)
        .exclude(status=Customer.Status.ERASED)
        .order_by("pk")
        .values_list("pk", *fields)[:limit]
    )
