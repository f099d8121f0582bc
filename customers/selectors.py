"""Reads that are more than a one-line filter."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from customers.crypto import blind_index
from customers.models import Customer, Service, Warranty
from customers.personal_data import normalise_email, normalise_phone, normalise_tax_code


def customer_by_email(email: str, *, for_update: bool = False) -> Customer | None:
    if not email:
        return None
    queryset = Customer.objects.filter(email_index=blind_index(normalise_email(email)))
    if for_update:
        queryset = queryset.select_for_update()
    return queryset.first()


def looks_like_identifier(term: str) -> bool:
    """An email address, or something with enough digits to be a phone or a tax code."""
    return "@" in term or sum(ch.isdigit() for ch in term) >= 8


def customers_matching(term: str, *, fields=None):
    """Customers whose email, phone or tax code equals ``term`` exactly (by blind index).

    ``fields`` limits the search to those a role may see: searching by a value one cannot
    see would reveal whose it is.
    """
    term = term.strip()
    allowed = (
        set(fields)
        if fields is not None
        else {"email", "phone_mobile", "phone_home", "phone_office", "tax_code"}
    )
    query = Q()
    if "@" in term and "email" in allowed:
        query |= Q(email_index=blind_index(normalise_email(term)))
    digits = "".join(ch for ch in term if ch.isdigit())
    if len(digits) >= 8:
        phone = blind_index(normalise_phone(term))
        for name in ("phone_mobile", "phone_home", "phone_office"):
            if name in allowed:
                query |= Q(**{f"{name}_index": phone})
        if "tax_code" in allowed:
            query |= Q(tax_code_index=blind_index(normalise_tax_code(term)))
    if not term or not query:
        return Customer.objects.none()
    return Customer.objects.filter(query)


def active_service_exists():
    return Exists(Service.objects.filter(customer=OuterRef("pk"), status=Service.Status.ACTIVE))


def running_warranty_exists():
    return Exists(
        Warranty.objects.filter(customer=OuterRef("pk"), warranty_until__gte=timezone.localdate())
    )


def unconfirmed_web_customers():
    return Customer.objects.filter(
        source=Customer.Source.WEB_FORM,
        contact_confirmed_at__isnull=True,
    ).exclude(status=Customer.Status.ERASED)
