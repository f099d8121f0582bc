"""What other systems do with consents: record one given on their channel; log every call."""

import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import status

from api.models import ApiClient, ApiConsentRecord
from api.problems import Problem
from customers.audit.services import access_log
from customers.consents.models import ConsentEvent, Purpose
from customers.consents.selectors import policy_current
from customers.consents.services.ledger import NoPublishedPolicy, consent_record
from customers.models import AccessLogEntry
from privacysite.http import client_ip

logger = logging.getLogger(__name__)


def api_call_log(*, client: ApiClient, action: str, request, customers=(), fields=()) -> None:
    """Every call goes to the access log as the calling system (customer ids only).

    With ``API_ACCESS_LOG_ASYNC_COMMIT`` (off by default) a read's entry is committed without
    waiting for the WAL flush, but a PostgreSQL crash may then lose the last fraction of a
    second of entries (BENCHMARKS.md weighs it).
    """

    def write():
        access_log(
            actor=client.actor,
            action=action,
            customers=customers,
            fields=fields,
            reason=f"API {request.method} {request.path}",
            ip_address=client_ip(request) or None,
        )

    if not (
        settings.API_ACCESS_LOG_ASYNC_COMMIT
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    ):
        write()
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        write()


def _words(text: str) -> str:
    return " ".join(text.split())


@transaction.atomic
def api_consent_record(
    *,
    client: ApiClient,
    customers: list,
    purpose_code: str,
    granted: bool,
    wording: str,
    language: str,
    channel: str,
    reference: str,
    request,
) -> ConsentEvent | None:
    """One grant or withdrawal into the ledger, as the other system reports it; the access
    log entry and the link to the client in the same transaction (all or nothing).

    The wording must be the purpose's current wording in that language: the ledger proves
    agreement to an exact text, and a different text would prove nothing.
    """
    purpose = Purpose.objects.filter(
        code=purpose_code, active=True, legal_basis=Purpose.LegalBasis.CONSENT
    ).first()
    if purpose is None:
        raise Problem(
            code="unknown-purpose",
            title=_("Unknown purpose"),
            detail=_("No active purpose that needs consent has this code."),
        )
    if _words(wording) != _words(purpose.wording(language)):
        raise Problem(
            code="wording-differs",
            title=_("The wording differs"),
            detail=_(
                "The wording is not this purpose's current wording in that language; read "
                "the customer the current wording and send it exactly."
            ),
        )
    if policy_current() is None:  # before the address is looked at: the same for anyone
        raise Problem(
            code="no-policy",
            title=_("No published policy"),
            detail=_("No privacy policy is published yet; consent cannot be recorded."),
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
    if not customers:
        # Answered as for a customer (the view's 202), so that the API does not tell who is
        # one (issue 31, finding 10); nothing to record, but the call is logged all the same.
        api_call_log(
            client=client,
            action=AccessLogEntry.Action.CHANGE,
            request=request,
            customers=[],
            fields=["consents"],
        )
        logger.info("api.consent_recorded client_id=%s customer_id=None changed=False", client.pk)
        return None
    if len(customers) > 1:
        raise Problem(
            code="ambiguous-customer",
            title=_("More than one customer"),
            detail=_("Several customers share this phone number; send their email address."),
            status_code=status.HTTP_409_CONFLICT,
        )
    customer = customers[0]
    try:
        event = consent_record(
            customer=customer,
            purpose=purpose,
            granted=granted,
            channel=ConsentEvent.Channel.API,
            language=language,
            call_reference=reference,
        )
    except NoPublishedPolicy as exc:
        raise Problem(
            code="no-policy",
            title=_("No published policy"),
            detail=_("No privacy policy is published yet; consent cannot be recorded."),
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        ) from exc
    if event is not None:
        ApiConsentRecord.objects.create(event=event, client=client, channel=channel)
    api_call_log(
        client=client,
        action=AccessLogEntry.Action.CHANGE,
        request=request,
        customers=[customer],
        fields=["consents"],
    )
    logger.info(
        "api.consent_recorded client_id=%s customer_id=%s changed=%s",
        client.pk,
        customer.pk,
        event is not None,
    )
    return event
