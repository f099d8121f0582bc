"""Reads of consent data."""

from django.db.models import Exists, OuterRef

from consents.models import ConsentState, PolicyVersion, Purpose


def policy_current() -> PolicyVersion | None:
    return (
        PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )


def purposes_optional():
    """Purposes a form asks about, one unticked box each."""
    return Purpose.objects.filter(active=True, optional=True).order_by("order", "id")


def consent_states_for(customer) -> dict[str, ConsentState]:
    """The customer's current state per purpose code."""
    states = ConsentState.objects.filter(customer=customer).select_related("purpose")
    return {state.purpose.code: state for state in states}


def customers_consenting(purpose_code: str):
    """Customers who may be contacted for this purpose now.

    Reads only the current-state table through its partial index on granted rows.
    """
    from customers.models import Customer

    granted = ConsentState.objects.filter(
        customer=OuterRef("pk"), purpose__code=purpose_code, granted=True
    )
    return Customer.objects.filter(Exists(granted)).exclude(status=Customer.Status.ERASED)


def needs_reconfirmation(customer) -> list[Purpose]:
    """Purposes the customer agreed to under wording that has since changed."""
    states = ConsentState.objects.filter(customer=customer, granted=True).select_related("purpose")
    return [s.purpose for s in states if s.wording_hash != s.purpose.wording_hash]


def consent_proof(customer):
    """Every consent event of a customer, oldest first, with what is needed to print it."""
    from consents.models import ConsentEvent

    return (
        ConsentEvent.objects.filter(customer=customer)
        .select_related("purpose", "policy_version", "staff_user")
        .order_by("created_at", "id")
    )
