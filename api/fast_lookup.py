"""The consent lookup's usual call answered without Django REST framework's request and
response machinery.

Other systems ask before every contact, so this call is the API's hottest. Its usual form —
a valid key with the read scope, a JSON body holding one well-formed email, a client within
its rate — is answered here with the same checks in the same order (key, scope, body, rate)
and the same answer (``ConsentLookupView``'s JSON). Anything else, every error included,
goes to the DRF view, so that problems, schemas and headers stay DRF's. A call refused for
its rate is counted once here and once by the view: it was over the limit already.
"""

import functools
import json
from types import SimpleNamespace

from django.http import JsonResponse
from django.utils import translation
from rest_framework.exceptions import AuthenticationFailed

from api.authentication import ApiKeyAuthentication
from api.models import Scope
from api.serializers import RECORD_SCHEMA, AddressSerializer
from api.services.lookup import consent_lookup_logged
from api.throttling import ClientRateThrottle
from consents.records import consent_record_fields
from privacysite.http import client_ip

# As DRF's JSONRenderer writes it (UNICODE_JSON, COMPACT_JSON).
JSON_PARAMS = {"ensure_ascii": False, "separators": (",", ":")}


def lookup_fast_or(drf_view):
    """``drf_view`` (ConsentLookupView.as_view()) with the usual call answered first."""

    @functools.wraps(drf_view)  # keeps .cls and .initkwargs for the OpenAPI schema
    def view(request, *args, **kwargs):
        answer = _usual_answer(request)
        return drf_view(request, *args, **kwargs) if answer is None else answer

    return view


def _usual_answer(request):
    if request.method != "POST" or request.content_type != "application/json":
        return None
    try:
        found = ApiKeyAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None
    client = found[1] if found else None
    if client is None or Scope.CONSENT_READ not in client.scopes:
        return None
    try:
        address = AddressSerializer.usual(json.loads(request.body))
    except ValueError:
        return None
    if address is None:
        return None
    if not ClientRateThrottle().allow_request(SimpleNamespace(auth=client), None):
        return None
    # /api/ is outside the language-prefixed URLs: the caller's Accept-Language decides.
    translation.activate(translation.get_language_from_request(request))
    events = consent_lookup_logged(
        client=client,
        **address,
        reason=f"API {request.method} {request.path}",
        ip_address=client_ip(request),
    )
    return JsonResponse(
        {
            "schema_version": RECORD_SCHEMA,
            "consents": [consent_record_fields(event) for event in events],
        },
        json_dumps_params=JSON_PARAMS,
    )
