"""Reads that are more than a one-line filter.

``customers.core`` stands below the models (they are built from its fields): it names them
through Django's app registry when called, as a ForeignKey names ``"customers.Customer"``,
and never imports ``customers.models``.
"""

from django.apps import apps
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from customers.core.crypto import blind_index_candidates
from customers.core.personal_data import normalise_email, normalise_phone, normalise_tax_code


def model(name: str):
    """A model of the customers app (``model("Customer")``), from the app registry."""
    return apps.get_model("customers", name)


def customer_by_email(email: str, *, for_update: bool = False):
    """The customer with this email address (by blind index), or None."""
    if not email:
        return None
    queryset = model("Customer").objects.filter(
        email_index__in=blind_index_candidates(normalise_email(email))
    )
    if for_update:
        queryset = queryset.select_for_update()
    return queryset.first()


def looks_like_identifier(term: str) -> bool:
    """An email address, or something with enough digits to be a phone or a tax code."""
    return "@" in term or sum(ch.isdigit() for ch in term) >= 8


IDENTIFIER_FIELDS = ("email", "phone_mobile", "phone_home", "phone_office", "tax_code")


def identifier_indexes(term: str, allowed=IDENTIFIER_FIELDS) -> list[tuple[str, str]]:
    """The (blind-index column, value) pairs an email, phone or tax code could match."""
    term = term.strip()
    pairs = []
    if "@" in term and "email" in allowed:
        pairs += [("email_index", v) for v in blind_index_candidates(normalise_email(term))]
    digits = "".join(ch for ch in term if ch.isdigit())
    if len(digits) >= 8:
        for phone in blind_index_candidates(normalise_phone(term)):
            pairs += [(f"{n}_index", phone) for n in IDENTIFIER_FIELDS[1:4] if n in allowed]
        if "tax_code" in allowed:
            tax_code = normalise_tax_code(term)
            pairs += [("tax_code_index", v) for v in blind_index_candidates(tax_code)]
    return pairs


def customers_matching(term: str, *, fields=None):
    """Customers whose email, phone or tax code equals ``term`` exactly (by blind index).

    ``fields`` limits the search to those a role may see: searching by a value one cannot
    see would reveal whose it is.
    """
    pairs = identifier_indexes(term, IDENTIFIER_FIELDS if fields is None else set(fields))
    customers = model("Customer").objects
    if not pairs:
        return customers.none()
    query = Q()
    for column, value in pairs:
        query |= Q(**{column: value})
    return customers.filter(query)


def customers_matching_each(terms, *, chunk: int = 500) -> list[set[int]]:
    """For each term, the customers it names (as ``customers_matching``), in one query per
    ``chunk`` terms rather than one per term."""
    per_term = [identifier_indexes(term) for term in terms]
    found: dict[tuple[str, str], set[int]] = {}
    for start in range(0, len(per_term), chunk):
        wanted: dict[str, set[str]] = {}
        for column, value in (pair for pairs in per_term[start : start + chunk] for pair in pairs):
            wanted.setdefault(column, set()).add(value)
        if not wanted:
            continue
        query = Q()
        for column, values in wanted.items():
            query |= Q(**{f"{column}__in": values})
        for row in model("Customer").objects.filter(query).values("pk", *wanted):
            for column, values in wanted.items():
                if row[column] in values:
                    found.setdefault((column, row[column]), set()).add(row["pk"])
    return [set().union(*(found.get(pair, set()) for pair in pairs)) for pairs in per_term]


def active_service_exists():
    service = model("Service")
    return Exists(service.objects.filter(customer=OuterRef("pk"), status=service.Status.ACTIVE))


def running_warranty_exists():
    return Exists(
        model("Warranty").objects.filter(
            customer=OuterRef("pk"), warranty_until__gte=timezone.localdate()
        )
    )


# Registered through a public form and never confirmed through the link sent to the
# address: anyone could have typed it. Nothing is sent on their consents (marketing) and
# nothing is published (references) until the contact is confirmed.
# "web" is Customer.Source.WEB_FORM (tests/customers/test_core_below_models.py keeps them equal).
UNCONFIRMED_WEB_REGISTRATION = Q(source="web", contact_confirmed_at__isnull=True)


def unconfirmed_web_customers():
    customer = model("Customer")
    return customer.objects.filter(UNCONFIRMED_WEB_REGISTRATION).exclude(
        status=customer.Status.ERASED
    )
