"""Reads of consent data."""

import time

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from customers.consents.models import ConsentEvent, ConsentState, PolicyVersion, Purpose
from customers.core.selectors import UNCONFIRMED_WEB_REGISTRATION
from customers.models import Customer, ProcessingRestriction

# The current policy and the purposes are read by every form and every message: they come
# from the cache, cleared whenever they change (``consents_cache_clear``).
CACHE_KEY = "consents:current:v2"
CACHE_TTL = 300


# In front of the shared cache, each process keeps its copy for a moment: a form reads it
# several times per request, and a change reaches every process within LOCAL_SECONDS.
LOCAL_SECONDS = 2.0
_local = {"data": None, "until": 0.0}


def _policies(now):
    """The policy in effect now (the newest published version whose date has come) and the
    next one announced, if any: the version whose change notice went out, not yet in effect."""
    published = PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED)
    in_effect = Q(effective_at__isnull=True) | Q(effective_at__lte=now)
    policy = published.filter(in_effect).order_by("-number").first()
    upcoming = published.filter(effective_at__gt=now).order_by("effective_at", "number").first()
    return policy, upcoming


def _current():
    now = time.monotonic()
    if _local["data"] is not None and now < _local["until"] and _still_in_effect(_local["data"]):
        return _local["data"]
    data = cache.get(CACHE_KEY)
    if data is None or not _still_in_effect(data):
        policy, upcoming = _policies(timezone.now())
        purposes = list(Purpose.objects.filter(active=True).order_by("order", "id"))
        data = {"policy": policy, "upcoming": upcoming, "purposes": purposes}
        cache.set(CACHE_KEY, data, CACHE_TTL)
    _local.update(data=data, until=now + LOCAL_SECONDS)
    return data


def _still_in_effect(data) -> bool:
    """A cached copy is stale from the moment an announced version takes effect."""
    upcoming = data.get("upcoming")
    return upcoming is None or timezone.now() < upcoming.effective_at


def consents_cache_clear():
    _local.update(data=None, until=0.0)
    cache.delete(CACHE_KEY)


def policy_current() -> PolicyVersion | None:
    return _current()["policy"]


def policy_upcoming() -> PolicyVersion | None:
    """The version published and announced but not yet in effect, if any."""
    return _current()["upcoming"]


# Purposes only a business can agree to (listing its name among our references).
BUSINESS_ONLY_PURPOSES = frozenset({"reference"})


def purposes_optional() -> list[Purpose]:
    """Purposes a form asks about, one unticked box each."""
    return [p for p in _current()["purposes"] if p.optional]


def purposes_needing_consent() -> set[str]:
    return {p.code for p in _current()["purposes"] if p.legal_basis == Purpose.LegalBasis.CONSENT}


def consent_states_for(customer) -> dict[str, ConsentState]:
    """The customer's current state per purpose code."""
    states = ConsentState.objects.filter(customer=customer).select_related("purpose")
    return {state.purpose.code: state for state in states}


def customer_ids_consenting(purpose_code: str):
    """Ids of the customers who may be contacted for this purpose now.

    Reads only the current-state table, through its partial index on granted rows (an
    index-only scan); erasure removes an erased customer's states.
    """
    purpose = next((p for p in _current()["purposes"] if p.code == purpose_code), None)
    if purpose is None:
        return ConsentState.objects.none().values_list("customer_id", flat=True)
    return ConsentState.objects.filter(purpose_id=purpose.pk, granted=True).values_list(
        "customer_id", flat=True
    )


def restricted(purpose_code: str) -> Q:
    """A condition on Customer: processing for this purpose is restricted now, wholly (the
    status) or for the purpose (docs/legal.md §3): the consents it covers are not acted on."""
    by_purpose = ProcessingRestriction.objects.in_force().filter(purpose__code=purpose_code)
    return Q(status=Customer.Status.RESTRICTED) | Q(pk__in=by_purpose.values("customer_id"))


def is_restricted(customer, purpose_code: str) -> bool:
    if customer.status == Customer.Status.RESTRICTED:
        return True
    return (
        ProcessingRestriction.objects.in_force()
        .covering(purpose_code)
        .filter(customer_id=customer.pk)
        .exists()
    )


def customers_consenting(purpose_code: str):
    """The customers themselves (for sending), excluding erased ones, restricted ones and web
    registrations whose contact was never confirmed: anyone can type an address into a public
    form, and the confirmation email promises that nothing more is sent if its link is not
    opened."""
    return (
        Customer.objects.filter(pk__in=customer_ids_consenting(purpose_code))
        .exclude(status=Customer.Status.ERASED)
        .exclude(UNCONFIRMED_WEB_REGISTRATION)
        .exclude(restricted(purpose_code))
        .order_by()
    )


def needs_reconfirmation(customer) -> list[Purpose]:
    """Purposes the customer agreed to under wording that has since changed."""
    states = ConsentState.objects.filter(customer=customer, granted=True).select_related("purpose")
    return [s.purpose for s in states if s.wording_hash != s.purpose.wording_hash]


def consent_proof(customer):
    """Every consent event of a customer, oldest first, with what is needed to print it."""
    return (
        ConsentEvent.objects.filter(customer=customer)
        .select_related("purpose", "policy_version", "staff_user")
        .order_by("created_at", "id")
    )
