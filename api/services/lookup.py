"""A system asks what a customer has consented to: the answer and its access-log entry.

The entry cannot be missing from an answer: the consents are read first (one statement,
``api.selectors.consent_lookup``), then the entry naming the customers found is written, and
only once it is stored is the answer given. No transaction is needed for that (the read
writes nothing), which saves the commit's round trip: an entry whose answer then fails to
reach the caller is a look that was logged, never one that was not.
"""

from api.models import ApiClient
from api.selectors import consent_lookup
from customers.audit.services import access_log
from customers.models import AccessLogEntry

FIELDS = ["consents"]


def consent_lookup_logged(
    *, client: ApiClient, email: str = "", phone: str = "", reason: str, ip_address: str | None
) -> list:
    """The ledger events behind the current grants of the customers an address names
    (light objects with what a consent record shows), logged as read by ``client``."""
    ids, events = consent_lookup(email=email, phone=phone)
    access_log(
        actor=client.actor,
        action=AccessLogEntry.Action.VIEW,
        customers=ids,
        fields=FIELDS,
        reason=reason,
        ip_address=ip_address or None,
    )
    return events
