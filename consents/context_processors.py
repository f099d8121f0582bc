from consents.cookies import CONSENT_COOKIE, CookieChoice, catalogue


def cookie_consent(request):
    """Whether to show the banner, and which optional cookie categories may run scripts.

    Templates include a category's scripts only under ``{% if cookies_allowed.analytics %}``.
    """
    data = catalogue()
    choice = CookieChoice.parse(request.COOKIES.get(CONSENT_COOKIE))
    current = choice is not None and choice.is_current(data["version"])
    accepted = choice.categories if current else frozenset()
    allowed = {c["code"]: c["required"] or c["code"] in accepted for c in data["categories"]}
    return {
        "show_cookie_banner": not current and data["version"] > 0,
        "cookies_allowed": allowed,
        "cookie_policy_version": data["version"],
    }
