"""Signed, expiring, single-purpose links for customers who have no account.

Each token names what it is for (its salt) and whom it is for (the customer id), so a
preference link cannot unsubscribe and one customer's link never opens another's page.
"""

from django.conf import settings
from django.core import signing

PREFERENCES_SALT = "consents.preferences"
UNSUBSCRIBE_SALT = "consents.unsubscribe"


class InvalidLink(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason  # "expired" or "invalid"


def _load(token, *, salt, max_age):
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise InvalidLink("expired") from exc
    except signing.BadSignature as exc:
        raise InvalidLink("invalid") from exc


def preferences_token(customer, *, session=None) -> str:
    """A preferences link; one shown inside a my-data session names it and works only while
    that session does (it ends on sign-out or after MY_DATA_LINK_HOURS)."""
    data = {"c": customer.pk}
    if session is not None:
        data["s"] = session.pk
    return signing.dumps(data, salt=PREFERENCES_SALT, compress=True)


def preferences_customer_id(token) -> int:
    data = _load(token, salt=PREFERENCES_SALT, max_age=settings.PREFERENCES_LINK_DAYS * 86400)
    if "s" in data:
        from customers.models import MyDataSession

        if not MyDataSession.objects.active().filter(pk=data["s"], customer_id=data["c"]).exists():
            raise InvalidLink("expired")
    return int(data["c"])


def unsubscribe_token(customer, purpose_code: str) -> str:
    return signing.dumps({"c": customer.pk, "p": purpose_code}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_target(token) -> tuple[int, str]:
    data = _load(token, salt=UNSUBSCRIBE_SALT, max_age=settings.UNSUBSCRIBE_LINK_DAYS * 86400)
    return int(data["c"]), str(data["p"])
