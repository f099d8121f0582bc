"""The public form POSTs (cookie choice, registration, service request) and other systems'
API POSTs through only the middleware they need.

Every request of the site goes through ``settings.MIDDLEWARE``: sessions, authentication,
OTP, messages, django-axes, whitenoise… A visitor's form POST uses none of them: it reads no
session and no user. ``PublicPostMiddleware``, first in ``MIDDLEWARE``, sends a POST to one
of ``PUBLIC_POST_VIEWS`` through ``PUBLIC_POST_MIDDLEWARE`` instead: the request id, the
security headers (SecurityMiddleware, X-Frame-Options, CSP, Permissions-Policy), the
language from the path and CSRF. Everything else (and every other request) takes the full
chain. An exception becomes the site's error page (503 when the database is unreachable) as
in the full chain, and the security headers are added to it.
"""

from csp.constants import HEADER as CSP_HEADER
from csp.constants import HEADER_REPORT_ONLY as CSP_HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.exception import convert_exception_to_response
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.urls import resolve, reverse
from django.utils import translation
from django.utils.module_loading import import_string
from django_permissions_policy import PermissionsPolicyMiddleware

from privacysite import csp


class PathLocaleMiddleware:
    """The language from the URL as ``i18n_patterns(prefix_default_language=False)`` has it
    (``/en/…`` English, anything else the default), without LocaleMiddleware's cookie and
    Accept-Language parsing, which never decide the language of a prefixed site's POST.
    ``PublicPostMiddleware`` has activated it already when it found the path in its table
    (``request.LANGUAGE_CODE``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = getattr(request, "LANGUAGE_CODE", None)
        if language is None:
            language = (
                translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
            )
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class PublicHeadersMiddleware:
    """X-Frame-Options, Content-Security-Policy and Permissions-Policy on the short chains, in
    one step rather than three.

    ``XFrameOptionsMiddleware``, django-csp and django-permissions-policy put the same headers
    on every response that asks nothing of its own of them: no ``@xframe_options_exempt``,
    ``@csp_update`` (or any ``@csp_*``), CSP nonce or permissions-policy override, and none of
    their headers set by the view. Such a response gets the headers the three added to the
    first one; any other goes through the three themselves. Each middleware costs its own
    wrappers (about 60 µs a request on a 2-core machine); this costs a dict lookup per header.
    """

    HEADERS = (
        "X-Frame-Options",
        CSP_HEADER,
        CSP_HEADER_REPORT_ONLY,
        "Permissions-Policy",
        "Permissions-Policy-Report-Only",
    )
    _LOWER_HEADERS = frozenset(name.lower() for name in HEADERS)
    OWN = (
        *csp.OWN_SETTINGS,
        "xframe_options_exempt",
        "_permissions_policy_override",
        "_permissions_policy_report_only_override",
    )
    _headers: dict | None = None  # what the three add to a plain response

    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = csp.StaticCSPMiddleware(get_response)
        self.three = XFrameOptionsMiddleware(
            csp.StaticCSPMiddleware(PermissionsPolicyMiddleware(self._given))
        )

    @staticmethod
    def _given(request):
        return request.public_headers_response

    def __call__(self, request):
        self.csp.process_request(request)  # the nonce, should a template ask for one
        response = self.get_response(request)
        headers = PublicHeadersMiddleware._headers
        if headers is None or not self._plain(request, response):
            return self._through_the_three(request, response, record=headers is None)
        for name, value in headers.items():
            response.headers[name] = value
        # As django-csp does once its header is written: a nonce asked for now would not be
        # in it, so asking raises rather than giving one the browser would refuse.
        request.csp_nonce = CheckableLazyObject(self.csp._csp_nonce_post_response)
        return response

    def _plain(self, request, response) -> bool:
        return (
            not settings.DEBUG
            and not csp.excluded_prefixes()  # CSP then depends on the path
            and getattr(request, "_csp_nonce", None) is None
            # (One pass over the response's few headers: asking the mapping for each absent
            # header raises and catches a KeyError.)
            and self._LOWER_HEADERS.isdisjoint(name.lower() for name in response.headers)
            and not any(hasattr(response, name) for name in self.OWN)
        )

    def _through_the_three(self, request, response, *, record):
        plain = record and self._plain(request, response)
        before = set(response.headers) if plain else None
        request.public_headers_response = response
        try:
            response = self.three(request)
        finally:
            del request.public_headers_response
        if plain:
            PublicHeadersMiddleware._headers = {
                name: value for name, value in response.headers.items() if name not in before
            }
        return response


@receiver(setting_changed)
def _forget_headers(*, setting, **kwargs):
    PublicHeadersMiddleware._headers = None


class LeanHandler:
    """A middleware chain built like Django's (``BaseHandler.load_middleware``, synchronous
    only) from a list of paths, around a view already resolved on ``request.resolver_match``."""

    def __init__(self, middleware_paths):
        self._view_middleware = []
        self._template_response_middleware = []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(middleware_paths):
            instance = import_string(path)(handler)
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(instance.process_template_response)
            handler = convert_exception_to_response(instance)
        self._chain = handler

    def __call__(self, request):
        response = self._chain(request)
        if not response.streaming and not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))
        return response

    def _get_response(self, request):
        match = request.resolver_match
        callback, args, kwargs = match.func, match.args, match.kwargs
        response = None
        for method in self._view_middleware:
            response = method(request, callback, args, kwargs)
            if response:
                break
        if response is None:
            response = callback(request, *args, **kwargs)
        if response is None:
            raise ValueError(f"The view {match.view_name} returned None.")
        if hasattr(response, "render") and callable(response.render):
            for method in self._template_response_middleware:
                response = method(request, response)
            response = response.render()
        return response


class PublicPostMiddleware:
    """Sends a POST to one of ``PUBLIC_POST_VIEWS`` through the short chain, and one to
    ``API_POST_VIEWS`` (other systems' calls: an API key, no cookie, no CSRF) through
    ``API_POST_MIDDLEWARE``. The views' paths (each language's) are worked out once, on the
    first POST: any other request pays one dict lookup."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.chains = (
            (settings.PUBLIC_POST_VIEWS, LeanHandler(settings.PUBLIC_POST_MIDDLEWARE)),
            (settings.API_POST_VIEWS, LeanHandler(settings.API_POST_MIDDLEWARE)),
        )
        self._paths = None

    def __call__(self, request):
        if request.method != "POST":
            return self.get_response(request)
        if self._paths is None:
            self._paths = _lean_paths(self.chains)
        found = self._paths.get(request.path_info)
        if found is None:
            return self.get_response(request)
        language, match, lean = found
        # CommonMiddleware is not in the short chains: the host is checked here, as there
        # (a host outside ALLOWED_HOSTS is the 400 page, not an answer).
        try:
            request.get_host()
        except DisallowedHost:
            return self.get_response(request)
        # The language is known from the path already: activated here (PathLocaleMiddleware
        # then finds it on the request), so that anything before it answers in it too.
        translation.activate(language)
        request.LANGUAGE_CODE = language
        request.resolver_match = match
        return lean(request)


def _lean_paths(chains) -> dict:
    """{path: (language, resolver match, chain)} of the views with a short chain, in every
    language (a path outside the language prefixes, like /api/, is the same in each)."""
    paths = {}
    for views, lean in chains:
        for language, _name in reversed(settings.LANGUAGES):  # the default language last
            with translation.override(language):
                for name in views:
                    path = reverse(name)
                    paths[path] = (language, resolve(path), lean)
    return paths
