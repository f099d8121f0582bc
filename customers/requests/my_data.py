"""The customer's signed way in to /my-data/, with no account.

The emailed link carries a signed token (customer id and a one-time nonce) valid
``MY_DATA_LINK_HOURS``. Opening it spends the nonce and sets a signed, HTTP-only cookie for
the rest of that period, then redirects to a URL without the token: a link opened twice, or
forwarded, shows "already used" and no data.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache

TOKEN_SALT = "customers.my-data.link"  # noqa: S105  # nosec B105 (a signing salt, not a secret)
COOKIE_SALT = "customers.my-data.session"
COOKIE = "my_data"


class LinkError(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason  # expired / invalid / used / unavailable (the cache is down)


def max_age() -> int:
    return settings.MY_DATA_LINK_HOURS * 3600


def link_token(customer) -> str:
    return signing.dumps({"c": customer.pk, "n": secrets.token_urlsafe(12)}, salt=TOKEN_SALT)


def spend_link(token: str) -> tuple[int, str]:
    """(customer id, nonce) of a valid, unused link; marks it used."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=max_age())
    except signing.SignatureExpired as exc:
        raise LinkError("expired") from exc
    except signing.BadSignature as exc:
        raise LinkError("invalid") from exc
    key = f"my-data-used:{data['n']}"
    if not cache.add(key, 1, timeout=max_age()):
        # Not added: spent before, or the cache cannot be reached (then nothing is stored
        # and the link must not open, but the customer may try again shortly).
        raise LinkError("used" if cache.get(key) is not None else "unavailable")
    return int(data["c"]), data["n"]


def set_session(response, customer_id: int, nonce: str, secure: bool) -> None:
    response.set_signed_cookie(
        COOKIE,
        f"{customer_id}:{nonce}",
        salt=COOKIE_SALT,
        max_age=max_age(),
        secure=secure,
        httponly=True,
        samesite="Strict",
    )


def session_customer_id(request) -> int | None:
    try:
        value = request.get_signed_cookie(COOKIE, salt=COOKIE_SALT, max_age=max_age())
    except (KeyError, signing.BadSignature):
        return None
    return int(value.split(":", 1)[0])
