from .cookies import Cookie, CookieCategory, CookieConsent, CookiePolicyVersion
from .ledger import AppendOnlyError, ConsentEvent, ConsentState
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
