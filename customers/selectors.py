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


def customers_matching(term: str):
    """Customers whose email, phone or tax code equals ``term`` exactly (by blind index)."""
    term = term.strip()
    if not term:
        return Customer.objects.none()
    query = Q()
    if "@" in term:
        query |= Q(email_index=blind_index(normalise_email(term)))
    digits = "".join(ch for ch in term if ch.isdigit())
    if len(digits) >= 8:
        phone = blind_index(normalise_phone(term))
        query |= Q(phone_mobile_index=phone) | Q(phone_home_index=phone)
        query |= Q(phone_office_index=phone)
        query |= Q(tax_code_index=blind_index(normalise_tax_code(term)))
    if not query:
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
