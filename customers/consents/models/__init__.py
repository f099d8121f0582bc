from privacysite.append_only import AppendOnlyError

from .cookies import Cookie, CookieCategory, CookieConsent, CookiePolicyVersion
from .ledger import ConsentEvent, ConsentState
from .policies import PolicySection, PolicyVersion
from .purposes import Purpose
from .receipts import ConsentReceipt

__all__ = [
    "AppendOnlyError",
    "ConsentEvent",
    "ConsentReceipt",
    "ConsentState",
    "Cookie",
    "CookieCategory",
    "CookieConsent",
    "CookiePolicyVersion",
    "PolicySection",
    "PolicyVersion",
    "Purpose",
]
