"""The customer's signed way in to /my-data/, with no account.

Asking for a link stores one row (the address's blind index) and queues one job, whatever the
address: the worker finds the customer, if any, and sends the link. The page therefore does
the same work for a known and an unknown address.

The emailed link carries a signed token (customer id and a one-time nonce) valid
``MY_DATA_LINK_HOURS``. Opening it shows a page with a button and spends nothing (mail
scanners fetch links); the button (a POST) spends the nonce in the database (once, for good)
and starts a server-side session; the browser gets a signed, HTTP-only cookie with the session's
random key and is redirected to a URL without the token. Signing out ends the session on the
server, so a copied cookie stops working too, and revokes the links sent before it.
"""

import datetime
import hashlib
import logging
import secrets

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from customers.core import jobs
from customers.messaging.services import absolute_url, message_queue
from customers.models import Customer, MyDataLinkRequest, MyDataSession

logger = logging.getLogger(__name__)

TOKEN_SALT = "customers.my-data.link"  # noqa: S105  # nosec B105 (a signing salt, not a secret)
COOKIE_SALT = "customers.my-data.session"
COOKIE = "my_data"


class LinkError(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason  # expired / invalid / used


def max_age() -> int:
    return settings.MY_DATA_LINK_HOURS * 3600


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def link_token(customer) -> str:
    issued = int(timezone.now().timestamp())
    return signing.dumps(
        {"c": customer.pk, "n": secrets.token_urlsafe(12), "t": issued}, salt=TOKEN_SALT
    )


def open_path(customer) -> str:
    """A fresh one-time link to the customer's data page (in the active language)."""
    return reverse("customers:my_data_open", args=[link_token(customer)])


def link_request(*, email_index: str, language: str) -> None:
    """The request's whole work: one row, one job after commit (ids only)."""
    pending = MyDataLinkRequest.objects.create(email_index=email_index, language=language)
    transaction.on_commit(lambda: jobs.enqueue(jobs.MY_DATA_LINK_SEND, pending.pk))


def link_send(request_id: int) -> None:
    """The worker's half: send a link if the address is a customer's that may receive one."""
    pending = MyDataLinkRequest.objects.filter(pk=request_id).first()
    if pending is None:
        return
    customer = Customer.objects.filter(email_index=pending.email_index).first()
    if customer and not customer.is_erased and not customer.email_suspended:
        with translation.override(pending.language):
            path = open_path(customer)
        message_queue(
            customer=customer,
            purpose="service",
            template="my_data_link",
            context={"link": absolute_url(path), "hours": max_age() // 3600},
            language=pending.language,
        )
    pending.delete()
    # Sessions ended or expired a day ago are of no more use.
    MyDataSession.objects.filter(
        expires_at__lt=timezone.now() - datetime.timedelta(days=1)
    ).delete()


def link_check(token: str) -> dict:
    """Whether a link would open, spending nothing: what the page the link opens says before
    its button is pressed (a mail scanner that fetches the link spends nothing). Raises
    LinkError (expired, invalid, used); returns the token's data."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=max_age())
    except signing.SignatureExpired as exc:
        raise LinkError("expired") from exc
    except signing.BadSignature as exc:
        raise LinkError("invalid") from exc
    customer_id = int(data["c"])
    if not Customer.objects.filter(pk=customer_id).exists():
        raise LinkError("invalid")
    # Signing out also revokes the links sent before it (a forwarded or second email).
    issued = datetime.datetime.fromtimestamp(data.get("t", 0), tz=datetime.UTC)
    if MyDataSession.objects.filter(customer_id=customer_id, ended_at__gte=issued).exists():
        raise LinkError("expired")
    if MyDataSession.objects.filter(link_nonce=_digest(data["n"])).exists():
        raise LinkError("used")
    return data


def session_open(token: str) -> tuple[MyDataSession, str]:
    """Spend a valid, unused link (the button on the link's page, a POST): a new session and
    the key for its cookie."""
    data = link_check(token)
    key = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            session = MyDataSession.objects.create(
                customer_id=int(data["c"]),
                link_nonce=_digest(data["n"]),
                key_hash=_digest(key),
                expires_at=timezone.now() + datetime.timedelta(seconds=max_age()),
            )
    except IntegrityError as exc:  # the nonce was spent in the meantime (two presses)
        raise LinkError("used") from exc
    return session, key


def set_session(response, key: str, secure: bool) -> None:
    response.set_signed_cookie(
        COOKIE,
        key,
        salt=COOKIE_SALT,
        max_age=max_age(),
        secure=secure,
        httponly=True,
        samesite="Strict",
    )


def current_session(request) -> MyDataSession | None:
    """The request's live session: signed cookie, known key, not ended, not expired."""
    try:
        key = request.get_signed_cookie(COOKIE, salt=COOKIE_SALT, max_age=max_age())
    except (KeyError, signing.BadSignature):
        return None
    return MyDataSession.objects.active().filter(key_hash=_digest(key)).first()


def session_end(request) -> None:
    """Sign out on the server: the cookie (and any copy of it) no longer opens anything."""
    session = current_session(request)
    if session is not None:
        MyDataSession.objects.filter(pk=session.pk).update(ended_at=timezone.now())
