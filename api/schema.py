"""How the OpenAPI schema (``/api/v1/schema/``, OpenAPI 3.1) describes every answer: the
problems each operation may answer, their headers, the scope each needs, the webhooks and
their payloads (issue 31, "The API as other systems' developers meet it")."""

import logging

from django.db import DatabaseError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    OpenApiWebhook,
    extend_schema,
)
from rest_framework import serializers

from api.problems import CONTENT_TYPE

logger = logging.getLogger(__name__)


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, in the language of the answer's Content-Language."""

    type = serializers.CharField(help_text="urn:privacysite:problem:<code>; test this, not text")
    title = serializers.CharField(help_text="A short summary of the kind of problem")
    status = serializers.IntegerField(help_text="The HTTP status code")
    detail = serializers.CharField(help_text="What went wrong with this request")
    instance = serializers.CharField(help_text="The path that was called")
    errors = serializers.DictField(
        required=False,
        child=serializers.ListField(child=serializers.CharField()),
        help_text="400 invalid-input only: the messages of each field",
    )

    class Meta:
        ref_name = "Problem"


ERROR_DESCRIPTIONS = {
    400: "invalid-input: the body or a parameter is not valid (JSON that cannot be read, or "
    "nested too deeply, included); 'errors' names the fields",
    401: "unauthenticated: no key, a malformed or unknown key, or a revoked one",
    403: "forbidden: the key lacks the scope this operation needs",
    404: "not-found: no such path, or an unknown channel",
    405: "method-not-allowed: this path answers only the methods its Allow header names",
    406: "not-acceptable: the API answers application/json (problem+json for errors) only",
    409: "ambiguous-customer: several customers share this phone number; send the email",
    413: "too-large: the body is over the size the API accepts (2.5 MB)",
    415: "unsupported-media-type: send Content-Type: application/json",
    422: "unknown-purpose or wording-differs: the purpose or its wording is not current",
    429: "rate-limited: this key's requests per minute are used up; retry after Retry-After",
    500: "server-error: our fault, logged; the answer holds no details",
    503: "unavailable: the database cannot be reached, nothing was done; retry after "
    "Retry-After (consent writes: also no-policy, no privacy policy is published yet)",
}
COMMON_ERRORS = (400, 401, 403, 405, 406, 413, 415, 429, 500, 503)


def problems(*codes: int) -> dict:
    """The error answers of an operation: each a Problem, as application/problem+json."""
    return {
        (code, CONTENT_TYPE): OpenApiResponse(ProblemSerializer, ERROR_DESCRIPTIONS[code])
        for code in (*COMMON_ERRORS, *codes)
    }


HEADERS = [
    OpenApiParameter(
        "Content-Language",
        location=OpenApiParameter.HEADER,
        response=True,
        enum=["vi", "en"],
        description="The language of the answer's texts (Vietnamese unless Accept-Language "
        "asks for English)",
    ),
    OpenApiParameter(
        "Retry-After",
        type=OpenApiTypes.INT,
        location=OpenApiParameter.HEADER,
        response=[429, 503],
        description="Seconds until this key may call again (429), or to wait (503)",
    ),
    OpenApiParameter(
        "WWW-Authenticate",
        location=OpenApiParameter.HEADER,
        response=[401],
        description='Bearer realm="api"',
    ),
    OpenApiParameter(
        "Accept-Language",
        location=OpenApiParameter.HEADER,
        enum=["vi", "en"],
        description="The language of the answer's texts; Vietnamese by default",
    ),
]


def scope_note(scope: str) -> str:
    return f"\n\nNeeds a key with the scope `{scope}`."


# --- Webhooks -------------------------------------------------------------------------------
class SubjectHashesSerializer(serializers.Serializer):
    email = serializers.CharField(
        allow_null=True, help_text="Your salted hash of the email, as in the suppression list"
    )
    phones = serializers.ListField(
        child=serializers.CharField(), help_text="Your salted hashes of the E.164 phone numbers"
    )


class ErasedDataSerializer(serializers.Serializer):
    customer_id = serializers.IntegerField()
    subject_hashes = SubjectHashesSerializer()


class ConsentChangedDataSerializer(ErasedDataSerializer):
    record_id = serializers.IntegerField()
    purpose_id = serializers.CharField(help_text="The purpose code")
    lawful_basis = serializers.CharField()
    event_state = serializers.ChoiceField(choices=["given", "withdrawn"])
    event_time = serializers.DateTimeField()
    notice_id = serializers.CharField()
    notice_language = serializers.CharField()
    collection_method = serializers.CharField()


def _event(name: str, data):
    class Event(serializers.Serializer):
        id = serializers.UUIDField(help_text="The event's id, also in webhook-id")
        type = serializers.ChoiceField(choices=[name])
        created = serializers.DateTimeField()

    Event.__name__ = "".join(part.title() for part in name.split(".")) + "Event"
    return type(Event.__name__, (Event,), {"data": data()})


SIGNED = (
    "\n\nSigned as the Standard Webhooks specification says: headers `webhook-id` (the "
    "event's id, the same on every retry), `webhook-timestamp` (Unix seconds) and "
    '`webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed with '
    "the bytes of the subscription's `whsec_<base64>` secret. Verify with any Standard "
    "Webhooks library; refuse a timestamp more than five minutes off. Answer 2xx within 5 "
    "seconds; anything else (a redirect included: none is followed) is retried with backoff."
)
RECEIVED = {200: OpenApiResponse(description="Received (any 2xx)")}

consent_changed = OpenApiWebhook(
    name="consent.changed",
    decorator=extend_schema(
        summary="A customer's consent to a purpose was given or withdrawn",
        description="Sent when the change is committed, wherever it was made. Ids, purposes "
        "and your salted hashes only: never an address or a name." + SIGNED,
        request=_event("consent.changed", ConsentChangedDataSerializer),
        responses=RECEIVED,
    ),
)
customer_erased = OpenApiWebhook(
    name="customer.erased",
    decorator=extend_schema(
        summary="A customer was erased: delete your copy",
        description="Find your copy by customer_id or by your salted hashes." + SIGNED,
        request=_event("customer.erased", ErasedDataSerializer),
        responses=RECEIVED,
    ),
)


# --- What drf-spectacular cannot say from the serializers -----------------------------------
EXACTLY_ONE_ADDRESS = [{"required": ["email"]}, {"required": ["phone"]}]


def _purpose_codes():
    """(codes a consent may be recorded for, every purpose code), or None without a
    database (the schema then says 'a slug')."""
    from customers.consents.models import Purpose

    try:
        purposes = list(Purpose.objects.values_list("code", "active", "legal_basis"))
    except DatabaseError:
        logger.warning("api.schema_purposes_unavailable")
        return None
    recordable = [c for c, active, basis in purposes if active and basis == "consent"]
    return sorted(recordable), sorted(c for c, _a, _b in purposes)


def postprocess(result, generator, request, public):
    """Request bodies required, exactly one address as schema, purpose codes enumerated."""
    components = result.get("components", {}).get("schemas", {})
    for name in ("Address", "ConsentRecordIn"):
        if name in components:
            components[name]["oneOf"] = EXACTLY_ONE_ADDRESS
    codes = _purpose_codes()
    if codes:
        recordable, every = codes
        if "ConsentRecordIn" in components:
            components["ConsentRecordIn"]["properties"]["purpose"]["enum"] = recordable
        if "ConsentRecord" in components:
            components["ConsentRecord"]["properties"]["purpose_id"]["enum"] = every
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if "requestBody" in operation:
                operation["requestBody"]["required"] = True
    return result


SCHEMA_SETTINGS = {
    "OAS_VERSION": "3.1.0",
    "WEBHOOKS": ["api.schema.consent_changed", "api.schema.customer_erased"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.postprocess",
    ],
}
