"""A deletion request from a customer whose service is still running (issue 28 §2).

Deleting the data ends the service (MMGROUP "Xóa thông tin" 1; NOS §4 promise deletion on
request), so the customer is told so and asked to confirm by a signed link sent through the
channel they have. What the contract does not need goes at once, as the customer asked:
consents (marketing, references) and the optional contact fields. Once the customer
confirms, their active services end and the request goes back to staff to erase. Nothing
here refuses: a refusal is a person's decision (``customers.requests.workflow``).
"""

from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from customers.consents.models import ConsentEvent, ConsentState
from customers.consents.services.ledger import consent_withdraw
from customers.messaging.services import absolute_url, message_queue
from customers.models import DataRequest, Service
from customers.records.services import customer_update
from customers.requests.workflow import RequestError

SALT = "customers.requests.confirm-deletion"
LINK_DAYS = 60  # longer than any request's extended deadline
# Contact fields no contract needs (the name, an address to reach and the invoice's data
# stay until the erasure itself).
NOT_NEEDED_BY_CONTRACT = ("phone_home", "phone_office")
# The customer's own step: the request they made is the authority for it.
CUSTOMER = "customer"


def confirm_path(request: DataRequest) -> str:
    token = signing.dumps({"r": request.pk}, salt=SALT)
    return reverse("customers:my_data_confirm_deletion", args=[token])


def request_for_token(token: str) -> DataRequest | None:
    """The deletion request a link names, while it waits for the customer; else None."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_DAYS * 86400)
    except signing.BadSignature:
        return None
    return (
        DataRequest.objects.filter(pk=data.get("r"), kind=DataRequest.Kind.DELETION)
        .select_related("customer")
        .first()
    )


def active_services(customer) -> list[str]:
    return list(
        Service.objects.filter(customer=customer, status=Service.Status.ACTIVE).values_list(
            "product", flat=True
        )
    )


def ask(request: DataRequest, actor, inputs: dict, *, channel: str) -> list[str]:
    """The effect of asking: what the contract does not need is deleted now, and the customer
    is told that deleting ends their service, with the link to confirm."""
    customer = request.customer
    services = active_services(customer)
    if not services:
        raise RequestError(
            gettext("The customer has no active service: there is nothing to confirm; erase.")
        )
    for state in ConsentState.objects.filter(customer=customer, granted=True).select_related(
        "purpose"
    ):
        consent_withdraw(
            customer=customer,
            purpose=state.purpose,
            channel=ConsentEvent.Channel.STAFF,
            language=request.language,
            actor=CUSTOMER,
        )
    customer_update(
        customer=customer,
        actor=CUSTOMER,
        data=dict.fromkeys(NOT_NEEDED_BY_CONTRACT, ""),
        reason=request.reference,
    )
    with translation.override(request.language):
        link = absolute_url(confirm_path(request))
    message_queue(
        customer=customer,
        purpose="service",
        channel=channel,
        template="deletion_confirm",
        context={"reference": request.reference, "services": services, "link": link},
        language=request.language,
    )
    return []


def end_services(request: DataRequest, actor, inputs: dict) -> list[str]:
    """The customer confirmed: their services end today, and erasure can go ahead."""
    Service.objects.filter(customer=request.customer, status=Service.Status.ACTIVE).update(
        status=Service.Status.ENDED, ends_on=timezone.localdate()
    )
    return []
