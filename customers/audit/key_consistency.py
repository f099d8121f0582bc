"""Every node runs on the same keys (docs/operations.md, "Several machines").

A node left out of a key change (not restarted, or its settings file not updated) keeps
working, wrongly and quietly: with an old ``BLIND_INDEX_KEY`` it finds nobody the others
indexed and duplicates returning customers; with an old ``SECRET_KEY`` the links and sessions
the others signed fail on it; without the new Fernet key it cannot read what the others wrote.
So the database holds the fingerprints of the keys in force (``keys_record``: setup_site, the
rotations, the operator after a change) and each node compares its own: the system check
``privacysite.W103``, ``privacysite_keys_match`` in /metrics, ``keys_match`` in /status, and
an error line ``keys.differ_from_keys_in_force`` when a worker starts.
"""

import logging

from celery.signals import worker_ready
from django.conf import settings
from django.core import checks
from django.db import DatabaseError

from customers.models import KeysInForce
from privacysite.key_checks import fingerprint

logger = logging.getLogger(__name__)


def node_keys() -> dict[str, str]:
    """This node's fingerprints, by setting (the keys in their order: the newest first)."""
    return {
        "SECRET_KEY": fingerprint(settings.SECRET_KEY),
        "FIELD_ENCRYPTION_KEYS": fingerprint(",".join(settings.FIELD_ENCRYPTION_KEYS)),
        "BLIND_INDEX_KEY": fingerprint(
            f"{settings.BLIND_INDEX_KEY}|{getattr(settings, 'BLIND_INDEX_KEY_NEXT', '') or ''}"
        ),
    }


def keys_record() -> None:
    """This node's keys are the ones in force (run where the new keys are configured)."""
    KeysInForce.objects.update_or_create(pk=1, defaults={"fingerprints": node_keys()})


def keys_differing() -> list[str]:
    """The settings whose keys differ on this node from those in force (none recorded yet:
    nothing differs)."""
    row = KeysInForce.objects.filter(pk=1).first()
    if row is None:
        return []
    return sorted(name for name, mine in node_keys().items() if row.fingerprints.get(name) != mine)


@checks.register(checks.Tags.security)
def check_keys_in_force(app_configs=None, databases=None, **kwargs):
    try:
        differing = keys_differing()
    except (DatabaseError, RuntimeError):  # no database (yet), or none allowed here
        return []
    if not differing:
        return []
    return [
        checks.Warning(
            f"This node's {', '.join(differing)} differ from the keys in force recorded in "
            "the database: it missed a key change, or the others did.",
            hint="Give every node the same settings file and restart them all; after a key "
            "change, run `manage.py keys_record` on a node that has the new keys "
            "(docs/operations.md, Several machines).",
            id="privacysite.W103",
        )
    ]


@worker_ready.connect(weak=False)
def worker_keys_compared(**kwargs):
    """A worker is not scraped: it says so in its log when it starts on other keys."""
    try:
        differing = keys_differing()
    except DatabaseError:
        return
    if differing:
        logger.error("keys.differ_from_keys_in_force settings=%s", ",".join(differing))
