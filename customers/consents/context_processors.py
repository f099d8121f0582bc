from django.utils.functional import SimpleLazyObject

from customers.consents.cookies import CONSENT_COOKIE, CookieChoice, catalogue
from customers.consents.gpc import GPC_REFUSED_CATEGORIES, gpc_signal
from customers.core.company import organisation


def company(request):
    """The organisation as the company profile names it (after ``privacysite``'s, which can
    only read the settings)."""
    return {"organisation": SimpleLazyObject(organisation)}  # read only by a page that names it


def cookie_consent(request):
    """Whether to show the banner, and which optional cookie categories may run scripts.

    Templates include a category's scripts only under ``{% if cookies_allowed.analytics %}``.
    """
    data = catalogue()
    choice = CookieChoice.parse(request.COOKIES.get(CONSENT_COOKIE))
    current = choice is not None and choice.is_current(data["version"])
    accepted = choice.categories if current else frozenset()
    gpc = gpc_signal(request)
    if gpc:
        accepted = accepted - GPC_REFUSED_CATEGORIES
    allowed = {c["code"]: c["required"] or c["code"] in accepted for c in data["categories"]}
    return {
        "gpc_signal": gpc,
        "show_cookie_banner": not current and data["version"] > 0,
        "cookies_allowed": allowed,
        "cookie_policy_version": data["version"],
    }
