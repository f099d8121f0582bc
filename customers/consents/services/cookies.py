import uuid

from django.db import transaction

from customers.consents.cookies import CookieChoice, catalogue, catalogue_clear
from customers.consents.models import CookieConsent, CookiePolicyVersion
from customers.core.actors import Actor


def cookie_consent_record(
    *,
    accepted: set[str],
    ip_truncated: str,
    user_agent: str,
    given_at: int,
    gpc: bool = False,
    data: dict | None = None,
) -> CookieChoice:
    """Store the proof of one cookie choice: exactly one INSERT, committed before we answer
    (in autocommit: a lone INSERT needs no BEGIN and COMMIT around it).

    Unknown categories are dropped; necessary ones are always on. ``data`` is the catalogue
    the caller read already, if it did.
    """
    data = data or catalogue()
    known = {c["code"] for c in data["categories"]}
    required = {c["code"] for c in data["categories"] if c["required"]}
    categories = frozenset((set(accepted) & known) | required)
    consent_id = uuid.uuid4()
    CookieConsent.objects.create(
        consent_id=consent_id,
        categories=sorted(categories),
        policy_version=data["version"],
        ip_truncated=ip_truncated,
        user_agent=user_agent[:300],
        gpc=gpc,
    )
    return CookieChoice(
        version=data["version"],
        consent_id=str(consent_id),
        categories=categories,
        given_at=given_at,
    )


def declined_cookie_names(choice: CookieChoice, data: dict | None = None) -> list[str]:
    return [
        name
        for category in (data or catalogue())["categories"]
        if category["code"] not in choice.categories
        for name in category["cookies"]
    ]


@transaction.atomic
def cookie_policy_publish(*, actor, notes: str = "") -> CookiePolicyVersion:
    """A new cookie-policy version: every visitor is asked again."""
    Actor.of(actor).require("consents.add_cookiepolicyversion")
    latest = CookiePolicyVersion.objects.select_for_update().order_by("-number").first()
    version = CookiePolicyVersion.objects.create(
        number=(latest.number + 1) if latest else 1, notes=notes
    )
    transaction.on_commit(catalogue_clear)
    return version
