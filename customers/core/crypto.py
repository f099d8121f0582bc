"""Field encryption (Fernet) and blind indexes (HMAC-SHA256), nothing home-made.

``FIELD_ENCRYPTION_KEYS`` lists Fernet keys newest first: MultiFernet encrypts with the first
and decrypts with any, so a new key can be put in front and old data re-encrypted at leisure
(``rotate_encryption_keys``). A key taken out of that list moves to
``FIELD_ENCRYPTION_RETIRED_KEYS`` (decrypt only) for as long as any backup made under it is
kept: a restored dump, and ``after_restore`` re-encrypting it, need it.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


@lru_cache(maxsize=4)
def _multifernet(keys):
    return MultiFernet([Fernet(key) for key in keys])


def _current():
    # Retired keys come last: MultiFernet encrypts with the first key only, so they decrypt
    # (old backups, rows not yet rotated) and never encrypt.
    return _multifernet(
        tuple(settings.FIELD_ENCRYPTION_KEYS)
        + tuple(getattr(settings, "FIELD_ENCRYPTION_RETIRED_KEYS", ()))
    )


def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        # Never hand the ciphertext back as if it were the value: the next save would encrypt
        # it a second time and the data would be lost for good.
        raise DecryptionError(
            "A stored value cannot be decrypted with FIELD_ENCRYPTION_KEYS; "
            "is a key missing from the list?"
        ) from exc


def rotate(token: str) -> str:
    """The same value re-encrypted with the newest key (unchanged if it already is)."""
    try:
        return _current().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise DecryptionError("A stored value cannot be decrypted for rotation.") from exc


def encrypted_with_newest_key(token: str) -> bool:
    fernet = Fernet(settings.FIELD_ENCRYPTION_KEYS[0])
    try:
        fernet.decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


def _index_keys() -> list[str]:
    """The key that writes indexes first, then the one some rows may still carry.

    During a change of index key (``BLIND_INDEX_KEY_NEXT`` set, ``rotate_blind_index_key``
    running) new indexes are written with the next key and searches try both."""
    following = getattr(settings, "BLIND_INDEX_KEY_NEXT", "")
    return [following, settings.BLIND_INDEX_KEY] if following else [settings.BLIND_INDEX_KEY]


def _hmac(key: str, normalised: str) -> str:
    return hmac.new(key.encode("utf-8"), normalised.encode("utf-8"), hashlib.sha256).hexdigest()


def blind_index(normalised: str) -> str:
    """A keyed hash of an already normalised value, for exact-match search of encrypted data."""
    if not normalised:
        return ""
    return _hmac(_index_keys()[0], normalised)


def blind_index_candidates(normalised: str) -> list[str]:
    """Every index value a stored row may carry for this value (two during a key change)."""
    if not normalised:
        return [""]
    return [_hmac(key, normalised) for key in _index_keys()]


# --- Files (complaint attachments, written requests, incident records) ----------------------
# The same keys as the fields: MultiFernet over bytes. customers.core.storage uses these.


def encrypt_bytes(data: bytes) -> bytes:
    return _current().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _current().decrypt(token)
    except InvalidToken as exc:
        raise DecryptionError(
            "A stored file cannot be decrypted with FIELD_ENCRYPTION_KEYS; is a key missing?"
        ) from exc


def rotate_bytes(token: bytes) -> bytes:
    try:
        return _current().rotate(token)
    except InvalidToken as exc:
        raise DecryptionError("A stored file cannot be decrypted for rotation.") from exc


def bytes_with_newest_key(token: bytes) -> bool:
    try:
        Fernet(settings.FIELD_ENCRYPTION_KEYS[0]).decrypt(token)
    except InvalidToken:
        return False
    return True
