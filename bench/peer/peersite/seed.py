"""The same cookie groups as privacysite's catalogue (the necessary one required)."""

from cookie_consent.models import Cookie, CookieGroup

GROUPS = {
    "necessary": (True, ["csrftoken", "cookie_consent"]),
    "preferences": (False, ["django_language"]),
    "analytics": (False, ["_ga", "_gid"]),
    "marketing": (False, ["_fbp"]),
}


def run():
    for varname, (required, cookies) in GROUPS.items():
        group, created = CookieGroup.objects.get_or_create(
            varname=varname, defaults={"name": varname.title(), "is_required": required}
        )
        if created:
            for name in cookies:
                Cookie.objects.create(cookiegroup=group, name=name)
