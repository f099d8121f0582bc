"""The access log's HMAC chain: the canonical form of an entry, its link hash, and the
signature of the chain head (its end and where pruning left its start).

Everything here is signed with one key derived from ``BLIND_INDEX_KEY``: without it, nobody
with only database access can change an entry, remove entries from either end, or move the
position the chain is said to start from.
"""

import datetime
import hashlib
import hmac
import json

from django.conf import settings

# What the sealer reads of each entry, in this order.
CONTENT = [
    "id",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "customer_ids",
    "fields",
    "reason",
    "ip_address",
]

# A head's signature is searched for an earlier pruned position at most this far back.
SEARCH_LIMIT = 10_000_000


def key() -> bytes:
    # ACCESS_LOG_CHAIN_KEY keeps the chain verifiable when BLIND_INDEX_KEY changes.
    secret = getattr(settings, "ACCESS_LOG_CHAIN_KEY", "") or settings.BLIND_INDEX_KEY
    return hmac.new(secret.encode(), b"privacysite access log chain", hashlib.sha256).digest()


def canonical(row: dict, seq: int) -> bytes:
    at = row["at"].astimezone(datetime.UTC).isoformat()
    parts = [
        seq,
        row["id"],
        at,
        row["actor_id"] or "",
        row["actor_label"],
        row["action"],
        json.dumps(row["customer_ids"]),
        json.dumps(row["fields"]),
        row["reason"],
        row["ip_address"] or "",
    ]
    return "\x1f".join(str(p) for p in parts).encode()


def chain_hash(prev_hash: str, row: dict, seq: int, key_: bytes | None = None) -> str:
    return hmac.new(key_ or key(), prev_hash.encode() + canonical(row, seq), "sha256").hexdigest()


def _mac(key_: bytes, *parts) -> str:
    return hmac.new(key_, "\x1f".join(str(p) for p in parts).encode(), "sha256").hexdigest()


def head_signature(seq: int, hash_: str, pruned_seq: int, key_: bytes | None = None) -> str:
    """Signs the chain's end and its pruned start together: neither moves without the key."""
    return _mac(key_ or key(), "head", seq, hash_, pruned_seq)


def pruned_signature(
    pruned_seq: int, pruned_hash: str, pruned_before, key_: bytes | None = None
) -> str:
    """Signs where pruning stopped and the cutoff it used (checked against the retention
    period by the verifier)."""
    before = pruned_before.astimezone(datetime.UTC).isoformat() if pruned_before else ""
    return _mac(key_ or key(), "pruned", pruned_seq, pruned_hash, before)


def head_ok(head, key_: bytes | None = None) -> bool:
    """Whether the stored head is what the key signed (both signatures)."""
    key_ = key_ or key()
    return hmac.compare_digest(
        head_signature(head.seq, head.hash, head.pruned_seq, key_), head.signature
    ) and pruned_ok(head, key_)


def pruned_ok(head, key_: bytes | None = None) -> bool:
    expected = pruned_signature(head.pruned_seq, head.pruned_hash, head.pruned_before, key_)
    return hmac.compare_digest(expected, head.pruned_signature)


def sign(head) -> None:
    """Set the head's two signatures from its fields (the caller saves it). Callers check
    :func:`head_ok` first, so that a head changed by hand is never signed into validity."""
    key_ = key()
    head.signature = head_signature(head.seq, head.hash, head.pruned_seq, key_)
    head.pruned_signature = pruned_signature(
        head.pruned_seq, head.pruned_hash, head.pruned_before, key_
    )


class HeadNotSigned(Exception):
    """The chain head was changed without the key: nothing more is sealed or pruned until a
    person has looked (``verify_audit_log`` names what is wrong)."""


def signed_pruned_seq(head, key_: bytes) -> int | None:
    """The pruned position the key signed together with the head's end, when the stored one
    is not it: the search goes back from the stored position (pruning only moves forward).
    None when no position matches (the head's end was changed, or it was moved forward)."""
    stored = head.seq, head.hash
    for candidate in range(head.pruned_seq - 1, max(-1, head.pruned_seq - SEARCH_LIMIT - 1), -1):
        if hmac.compare_digest(head_signature(*stored, candidate, key_), head.signature):
            return candidate
    return None
