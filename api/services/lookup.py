"""A system asks what a customer has consented to: the answer and its access-log entry
together.

The entry cannot be missing from an answer, nor an answer from an entry: both are written in
one transaction. The read itself is one query (``api.selectors.consent_lookup``).
"""

from django.db import transaction

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
    with transaction.atomic():
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
