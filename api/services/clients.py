"""Making, checking and revoking API clients' keys."""

import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from api.models import ApiClient, Scope
from api.services.suppressions import subject_hashes_client_forget, subject_hashes_warm_soon
from api.services.webhooks import webhook_deliveries_cancel
from customers.core.actors import Actor

logger = logging.getLogger(__name__)

KEY_PREFIX = "psk"


class InvalidScope(ValueError):
    pass


@dataclass(frozen=True)
class NewKey:
    client: ApiClient
    key: str  # shown once, never stored


def _hash(secret: str) -> str:
    # Keys are 256 random bits: a fast hash is enough (a slow one protects guessable passwords).
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_key() -> tuple[str, str, str]:
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return f"{KEY_PREFIX}_{prefix}_{secret}", prefix, _hash(secret)


def _check_scopes(scopes) -> list[str]:
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        raise InvalidScope(
            f"unknown scope(s): {', '.join(unknown)}; known: {', '.join(Scope.values)}"
        )
    return sorted(set(scopes))


@transaction.atomic
def api_client_create(
    *, name: str, scopes, actor, description: str = "", rate_per_minute: int = 600
) -> NewKey:
    """A new client and its key (returned once; only its hash is kept)."""
    actor = Actor.of(actor).require("api.add_apiclient")
    key, prefix, key_hash = _new_key()
    client = ApiClient(
        name=name,
        description=description,
        scopes=_check_scopes(scopes),
        key_prefix=prefix,
        key_hash=key_hash,
        suppression_salt=secrets.token_hex(32),
        rate_per_minute=rate_per_minute,
        created_by=actor.label,
    )
    client.full_clean()
    client.save()
    # Its suppression-list hashes are computed in the background, not on its first read.
    subject_hashes_warm_soon(client=client)
    logger.info("api.client_created client_id=%s", client.pk)
    return NewKey(client, key)


@transaction.atomic
def api_client_rotate_key(*, client: ApiClient, actor) -> NewKey:
    """A fresh key for the same client; the old one stops working at once in this process
    and within ``API_KEY_CACHE_SECONDS`` in the others."""
    Actor.of(actor).require("api.change_apiclient")
    key, prefix, key_hash = _new_key()
    client.key_prefix, client.key_hash = prefix, key_hash
    client.save(update_fields=["key_prefix", "key_hash"])
    _known.clear()
    logger.info("api.key_rotated client_id=%s", client.pk)
    return NewKey(client, key)


@transaction.atomic
def api_client_revoke(*, client: ApiClient, actor) -> bool:
    """Stop the key working and delete its suppression-list hashes; a repeat changes
    nothing. Returns whether it was active."""
    actor = Actor.of(actor).require("api.change_apiclient")
    updated = ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor.label
    )
    _known.clear()
    subject_hashes_client_forget(client=client)
    webhook_deliveries_cancel(client=client)  # what waits is not sent either
    if updated:
        client.refresh_from_db(fields=["revoked_at", "revoked_by"])
        logger.info("api.client_revoked client_id=%s", client.pk)
    return bool(updated)


# {key prefix: (client, when read)}: the clients this process read lately. Every call of a
# system checks its key; reading the client's row each time would be a query per call.
# Revoking or rotating clears this process's copy at once and reaches the others within
# API_KEY_CACHE_SECONDS (2 s by default).
_known: dict[str, tuple[ApiClient, float]] = {}


def api_client_for_key(key: str) -> ApiClient | None:
    """The client whose key this is (revoked or not), or None for an unknown or malformed key."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    prefix, now = parts[1], time.monotonic()  # a clock set back must not extend it
    known = _known.get(prefix)
    if known is not None and now - known[1] < settings.API_KEY_CACHE_SECONDS:
        client = known[0]
    else:
        client = ApiClient.objects.filter(key_prefix=prefix).first()
        if client is None:
            return None
        if len(_known) > 1000:  # prefixes are chosen by the caller: keep the dict small
            _known.clear()
        _known[prefix] = (client, now)
    if not hmac.compare_digest(client.key_hash, _hash(parts[2])):
        return None
    return client
