"""Keys that are present but malformed stop start-up, as missing ones do (issue 32).

A truncated Fernet key used to start the site and pass every check, then fail each
registration with a 500 and crash a key rotation. Each key is tried here, when the settings
load: the process refuses to start and names the variable and the position of the bad key
(never the key itself).
"""

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

# An HMAC key of at least this many characters: `secrets.token_urlsafe(32)` gives 43.
HMAC_KEY_MIN_LENGTH = 32


def check_keys(*, fernet: dict[str, list[str]], hmac: dict[str, str], production: bool) -> None:
    for name, keys in fernet.items():
        for position, key in enumerate(keys, 1):
            try:
                Fernet(key.strip())
            except ValueError:
                raise ImproperlyConfigured(
                    f"{name}: key {position} is not a Fernet key (32 bytes, URL-safe base64, "
                    "44 characters): it may have been cut when copied. Generate one with "
                    "`python -c 'from cryptography.fernet import Fernet; "
                    "print(Fernet.generate_key().decode())'`."
                ) from None
    if not production:
        return
    for name, key in hmac.items():
        if key and len(key) < HMAC_KEY_MIN_LENGTH:
            raise ImproperlyConfigured(
                f"{name} is shorter than {HMAC_KEY_MIN_LENGTH} characters: it may have been cut "
                "when copied. Generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`."
            )
