"""The API for the company's other systems (``/api/v1/``)."""

from django.db import transaction
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from api import selectors
from api.authentication import ApiKeyAuthentication, HasScope
from api.models import Scope
from api.parsers import JSONBodyParser
from api.problems import Problem
from api.schema import HEADERS, problems, scope_note
from api.serializers import (
    RECORD_SCHEMA,
    AddressSerializer,
    ConsentRecordInSerializer,
    ConsentWriteAcceptedSerializer,
    LookupAnswerSerializer,
    SuppressionPageSerializer,
)
from api.services.consents import api_call_log, api_consent_record
from api.services.lookup import consent_lookup_logged
from api.services.suppressions import suppression_hashes
from api.throttling import ClientRateThrottle
from customers.consents.records import consent_record_fields
from customers.models import AccessLogEntry
from privacysite.http import client_ip

SUPPRESSION_PAGE = 10_000
SUPPRESSION_PAGE_MAX = 50_000


class SystemApiView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [ClientRateThrottle]
    parser_classes = [JSONBodyParser]
    required_scope = ""

    def initial(self, request, *args, **kwargs):
        # /api/ is outside the language-prefixed URLs: the caller's Accept-Language decides
        # (Vietnamese unless it asks for English), errors included.
        translation.activate(translation.get_language_from_request(request))
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        """The same headers on every answer, success or problem, GET or POST: answers name
        customers' consents, so no cache keeps them; the language follows the caller's."""
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, no_store=True)
        patch_vary_headers(response, ["Accept-Language", "Authorization"])
        return response


@extend_schema(exclude=True)
class NotFoundView(SystemApiView):
    """Any other path under /api/v1/: a 404 problem, whatever the method (not the site's
    HTML page)."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound()


class ConsentLookupView(SystemApiView):
    required_scope = Scope.CONSENT_READ

    @extend_schema(
        operation_id="consents_lookup",
        request=AddressSerializer,
        parameters=HEADERS,
        responses={
            200: OpenApiResponse(
                LookupAnswerSerializer,
                "The consents given now that may be acted on now (none for an unknown "
                "address, a restricted customer, or an email purpose while the customer's "
                "email is suspended)",
            ),
            **problems(),
        },
        summary="The purposes a customer has consented to now",
        description="A read, sent as POST so that the address stays out of URLs and logs. "
        "Found by exact email or phone (exactly one of them; never by part of one). An "
        "unknown address answers the same shape with no consents. Every call is in the "
        "access log." + scope_note(Scope.CONSENT_READ),
    )
    def post(self, request):
        events = consent_lookup_logged(
            client=request.auth,
            **AddressSerializer.validated(request.data),
            reason=f"API {request.method} {request.path}",
            ip_address=client_ip(request),
        )
        return Response(
            {
                "schema_version": RECORD_SCHEMA,
                # ConsentRecordSerializer's own representation, without a list serializer.
                "consents": [consent_record_fields(event) for event in events],
            }
        )


class ConsentRecordView(SystemApiView):
    required_scope = Scope.CONSENT_WRITE

    @extend_schema(
        operation_id="consents_record",
        request=ConsentRecordInSerializer,
        parameters=HEADERS,
        responses={
            202: OpenApiResponse(
                ConsentWriteAcceptedSerializer,
                "Accepted: recorded if the address names a customer and it changes anything",
            ),
            **problems(409, 422),
        },
        summary="Record a consent given or withdrawn on another channel",
        description="Lands in the same append-only ledger as the site's own consents. Every "
        "accepted call answers 202 with the same shape, whether the address names a customer "
        "or not (so that the API does not tell who is a customer; an unknown address records "
        "nothing), whether the consent changed or was already so. Read the result with the "
        "lookup, or wait for the consent.changed webhook. Every call is in the access log. "
        "The wording must be the purpose's current wording in that language (else 422)."
        + scope_note(Scope.CONSENT_WRITE),
    )
    def post(self, request):
        data = ConsentRecordInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        customers = list(
            selectors.customers_by_address(
                email=values.get("email", ""), phone=values.get("phone", "")
            )[:2]
        )
        api_consent_record(
            client=request.auth,
            customers=customers,
            purpose_code=values["purpose"],
            granted=values["granted"],
            wording=values["wording"],
            language=values["language"],
            channel=values["channel"],
            reference=values["reference"],
            request=request,
        )
        return Response(
            {
                "status": "accepted",
                "purpose": values["purpose"],
                "granted": values["granted"],
                "reference": values["reference"],
            },
            status=status.HTTP_202_ACCEPTED,
        )


class SuppressionQuery(serializers.Serializer):
    after = serializers.IntegerField(min_value=0, required=False, default=0)
    limit = serializers.IntegerField(
        min_value=1, max_value=SUPPRESSION_PAGE_MAX, required=False, default=SUPPRESSION_PAGE
    )


class SuppressionListView(SystemApiView):
    required_scope = Scope.SUPPRESSION_READ

    @extend_schema(
        parameters=[
            SuppressionQuery,
            OpenApiParameter("channel", enum=list(selectors.CHANNEL_FIELDS), location="path"),
            *HEADERS,
        ],
        responses={
            200: OpenApiResponse(SuppressionPageSerializer, "One page of the list"),
            **problems(404),
        },
        summary="Who must not be contacted for marketing on a channel now",
        description="Salted hashes (HMAC-SHA256 keyed with this client's salt) of the "
        "normalised address or E.164 number; pages follow 'next'. Lists everyone the lookup "
        "would not answer 'given' for the channel's marketing purpose (one rule for both)."
        + scope_note(Scope.SUPPRESSION_READ),
    )
    def get(self, request, channel):
        if channel not in selectors.CHANNEL_FIELDS:
            raise Problem(
                code="unknown-channel",
                title=_("Unknown channel"),
                detail=_("The channel is one of: email, sms, call."),
                status_code=status.HTTP_404_NOT_FOUND,
            )
        query = SuppressionQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        after, limit = query.validated_data["after"], query.validated_data["limit"]
        client = request.auth
        with transaction.atomic():
            rows = selectors.suppression_page(
                client_id=client.pk, channel=channel, after=after, limit=limit
            )
            hashes = suppression_hashes(client=client, channel=channel, rows=rows)
            api_call_log(
                client=client,
                action=AccessLogEntry.Action.LIST,
                request=request,
                customers=[row[0] for row in rows],
                fields=[f"suppression:{channel}"],
            )
        next_url = None
        if len(rows) == limit:
            base = reverse("api:suppressions", args=[channel], request=request)
            next_url = f"{base}?after={rows[-1][0]}&limit={limit}"
        return Response(
            {
                "channel": channel,
                "algorithm": "HMAC-SHA256(key=bytes.fromhex(salt), normalised value)",
                "salt": client.suppression_salt,
                "results": hashes,
                "next": next_url,
            }
        )
