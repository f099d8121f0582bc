"""A retired Fernet key must outlive every backup written while it was in use.

``rotate_encryption_keys`` journals the fingerprints of the keys it retired (privacysite.journal,
outside the database, shared by every node). This system check (``manage.py check``, part of every release: migrate
runs it) fails while a key retired less than ``BACKUP_KEEP_DAYS`` ago is in neither
``FIELD_ENCRYPTION_KEYS`` nor ``FIELD_ENCRYPTION_RETIRED_KEYS``: a backup of those days
could not be restored. Fingerprints are truncated SHA-256 digests, never the keys.
"""

import datetime
import hashlib

from django.conf import settings
from django.core import checks
from django.utils import timezone

from privacysite import journal

KEYS_ROTATED = "keys_rotated"


def fingerprint(key: str) -> str:
    return hashlib.sha256(key.strip().encode()).hexdigest()[:16]


def keys_rotated_journal() -> None:
    """Called when a rotation has finished: the keys after the first are now retired."""
    keys = settings.FIELD_ENCRYPTION_KEYS
    journal.journal_append(
        KEYS_ROTATED, newest=fingerprint(keys[0]), retired=[fingerprint(k) for k in keys[1:]]
    )


def keys_still_needed(now=None) -> set[str]:
    now = now or timezone.now()
    since = now - datetime.timedelta(days=settings.BACKUP_KEEP_DAYS)
    needed = set()
    for entry in journal.journal_read(kinds=[KEYS_ROTATED]):
        at = datetime.datetime.fromisoformat(entry["at"])
        if entry["kind"] == KEYS_ROTATED and at >= since:
            needed.update(entry["retired"])
    return needed


@checks.register(checks.Tags.security)
def check_retired_keys_kept(app_configs=None, **kwargs):
    try:
        needed = keys_still_needed()
    except Exception as error:  # the shared store unreachable: say so, do not crash the check
        return [
            checks.Warning(
                f"The erasure journal cannot be read ({type(error).__name__}): retired keys "
                "are not checked, and erasures on this node fail until it can be written.",
                hint="Check ERASURE_JOURNAL_URL / ERASURE_JOURNAL (docs/operations.md).",
                id="privacysite.W101",
            )
        ]
    configured = {
        fingerprint(k)
        for k in [*settings.FIELD_ENCRYPTION_KEYS, *settings.FIELD_ENCRYPTION_RETIRED_KEYS]
    }
    missing = needed - configured
    if not missing:
        return []
    return [
        checks.Error(
            f"{len(missing)} encryption key(s) retired less than BACKUP_KEEP_DAYS "
            f"({settings.BACKUP_KEEP_DAYS}) days ago are missing: backups of those days could "
            "not be read.",
            hint="Put the old key(s) back in FIELD_ENCRYPTION_RETIRED_KEYS (decrypt only).",
            id="privacysite.E101",
        )
    ]
