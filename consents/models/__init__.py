from privacysite.append_only import AppendOnlyError

from .cookies import Cookie, CookieCategory, CookieConsent, CookiePolicyVersion
from .ledger import ConsentEvent, ConsentState
from .policies import PolicySection, PolicyVersion
from .purposes import Purpose

__all__ = [
    "AppendOnlyError",
    "ConsentEvent",
    "ConsentState",
    "Cookie",
    "CookieCategory",
    "CookieConsent",
    "CookiePolicyVersion",
    "PolicySection",
    "PolicyVersion",
    "Purpose",
]
