"""django-csp's middleware, with the header built once per process.

``CSPMiddleware`` builds the policy string on every response. Ours is the same for every
response that has no nonce and no per-view change (``@csp_update``, ``@csp_replace``,
``@csp_exempt``…), so such responses get the string built the first time; any response
with something of its own is handled by django-csp itself.
"""

from functools import lru_cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

OWN_SETTINGS = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt",
    "_csp_exempt_ro",
)


class StaticCSPMiddleware(CSPMiddleware):
    _headers: dict | None = None

    def process_response(self, request, response):
        plain = (
            not settings.DEBUG
            and not excluded_prefixes()
            and getattr(request, "_csp_nonce", None) is None
            and not any(hasattr(response, name) for name in OWN_SETTINGS)
            and HEADER not in response
            and HEADER_REPORT_ONLY not in response
        )
        if not plain:
            return super().process_response(request, response)
        headers = StaticCSPMiddleware._headers
        if headers is None:
            response = super().process_response(request, response)
            StaticCSPMiddleware._headers = {
                name: response[name] for name in (HEADER, HEADER_REPORT_ONLY) if name in response
            }
            return response
        for name, value in headers.items():
            response[name] = value
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


@lru_cache(maxsize=1)
def excluded_prefixes() -> bool:
    """Whether either policy leaves some paths out (kept: a setting that is absent, as the
    report-only policy usually is, costs an exception at every read)."""
    return any(
        (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES")
        for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
    )


@receiver(setting_changed)
def _forget_headers(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY") or setting == "DEBUG":
        StaticCSPMiddleware._headers = None
        excluded_prefixes.cache_clear()
