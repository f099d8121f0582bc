"""The cookie-consent cookie and the cached cookie catalogue.

The catalogue and the current cookie-policy version are read on every page (banner, gated
scripts), so they come from the cache; publishing or editing clears it. In front of the
shared cache each process keeps its copy for LOCAL_SECONDS: a cookie POST or a page reads
it without a round trip, and a change reaches every process within those seconds.
"""

import time
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache

from customers.consents.models import CookieCategory, CookiePolicyVersion

CONSENT_COOKIE = "cookie_consent"
CONSENT_MAX_AGE = 365 * 24 * 3600  # ask again after 12 months
CATALOGUE_KEY = "consents:cookie-catalogue:v1"
CATALOGUE_TTL = 300
LOCAL_SECONDS = 5.0
_local = {"data": None, "until": 0.0}


@dataclass
class CookieChoice:
    version: int
    consent_id: str
    categories: frozenset = field(default_factory=frozenset)
    given_at: int = 0

    def serialise(self) -> str:
        return (
            f"{self.version}|{self.consent_id}|{','.join(sorted(self.categories))}|{self.given_at}"
        )

    @classmethod
    def parse(cls, raw: str | None):
        if not raw:
            return None
        try:
            version, consent_id, categories, given_at = raw.split("|")
            return cls(
                version=int(version),
                consent_id=str(uuid.UUID(consent_id)),
                categories=frozenset(c for c in categories.split(",") if c),
                given_at=int(given_at),
            )
        except ValueError:
            return None

    def is_current(self, version: int) -> bool:
        return self.version == version and time.time() - self.given_at < CONSENT_MAX_AGE


def catalogue() -> dict:
    """{"version": int, "categories": [{"code", "required", "cookies": [names]}...]}."""
    now = time.monotonic()
    if _local["data"] is not None and now < _local["until"]:
        return _local["data"]
    data = cache.get(CATALOGUE_KEY)
    if data is None:
        latest = CookiePolicyVersion.objects.order_by("-number").first()
        data = {
            "version": latest.number if latest else 0,
            "categories": [
                {
                    "code": c.code,
                    "required": c.required,
                    "cookies": [k.name for k in c.cookies.all()],
                }
                for c in CookieCategory.objects.prefetch_related("cookies")
            ],
        }
        cache.set(CATALOGUE_KEY, data, CATALOGUE_TTL)
    _local.update(data=data, until=now + LOCAL_SECONDS)
    return data


def catalogue_clear() -> None:
    _local.update(data=None, until=0.0)
    cache.delete(CATALOGUE_KEY)
