"""What each closing transition does to the customer's data, so that the end state holds.

Called by ``customers.requests.services.request_move`` only, inside its transaction, after
the workflow table allowed the move and the actor's permissions were checked. Each effect
fills in the request's own record of it (certificate, old values, how the copy went, the
answer the customer receives) and returns the fields it set. A refusal of the effect (an
erasure blocked, no change to apply) raises ``RequestError`` with words for staff: the
request then stays open, unchanged.
"""

import json

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customers.consents.models import ConsentEvent, ConsentState
from customers.consents.services.ledger import consent_withdraw
from customers.core.labels import field_labels
from customers.messaging.services import absolute_url, message_queue
from customers.models import Customer, DataRequest, ErasureCertificate, Message
from customers.records.restriction import customer_restrict
from customers.records.services import customer_update
from customers.requests import confirmation, my_data
from customers.requests.workflow import RequestError
from customers.retention.erasure import ErasureBlocked, customer_erase
from customers.retention.farewell import certificate_reference

# What staff read when an erasure is blocked: each blocker with what to do about it. The
# customer cannot see most of these (an open complaint, an active service).
BLOCKED_FOR_STAFF = {
    "legal_hold": _(
        "a legal hold is in force: wait until it is released, or refuse on the ground "
        "\u201clegal hold\u201d"
    ),
    "active_service": _(
        "the customer has an active service: deleting ends it; tell the customer, and end "
        "the service once they confirm"
    ),
    "running_warranty": _(
        "a warranty is still running: deleting ends it; tell the customer, and erase once "
        "they confirm or it ends"
    ),
    "open_request": _(
        "the customer has another open request (for example a complaint): close it first"
    ),
}

DELIVERY = {
    "post": _("By post"),
    "in_person": _("Handed over in person"),
}


def customer_channel(customer: Customer) -> str:
    """The channel the customer has: email, or SMS for a customer known by phone only."""
    if not customer.email and customer.phone_mobile:
        return Message.Channel.SMS
    return Message.Channel.EMAIL


def ask_confirmation(request: DataRequest, actor, inputs: dict) -> list[str]:
    return confirmation.ask(request, actor, inputs, channel=customer_channel(request.customer))


def erase(request: DataRequest, actor, inputs: dict) -> list[str]:
    try:
        certificate = customer_erase(
            customer=request.customer,
            actor=actor,
            trigger=ErasureCertificate.Trigger.REQUEST,
            # The certificate holds no personal data: the reference and how it reached us.
            reason=f"{request.reference} · {request.channel}",
            except_request_id=request.pk,
        )
    except ErasureBlocked as blocked:
        why = "; ".join(str(BLOCKED_FOR_STAFF[r]) for r in blocked.reasons)
        raise RequestError(
            gettext("Nothing was deleted and the request stays open: %(why)s.") % {"why": why}
        ) from blocked
    request.certificate = certificate
    kept = "; ".join(f"{k['what']} ({k['why']}, {k['until']})" for k in certificate.kept)
    with translation.override(request.language):
        request.answer_reason = gettext("Your personal data has been deleted.")
        request.answer_remedy = (
            gettext("Kept because the Accounting Law requires it: %(kept)s.") % {"kept": kept}
            if kept
            else gettext("Nothing was kept.")
        )
    return ["certificate", "answer_reason", "answer_remedy"]


def erased_words(request: DataRequest) -> str:
    """What staff read after an erasure (no personal data: the customer's number)."""
    certificate = request.certificate
    return gettext("Data of customer #%(id)s erased; certificate %(reference)s.") % {
        "id": request.customer_id,
        "reference": certificate_reference(certificate.customer_id, certificate.erased_at),
    }


def apply_correction(request: DataRequest, actor, inputs: dict) -> list[str]:
    changes = json.loads(request.proposed_changes or "{}")
    if not changes:
        raise RequestError(gettext("This request proposes no change to apply."))
    customer = request.customer
    # Kept for good before the customer's row changes: the request shows old → new.
    before = {name: getattr(customer, name, "") or "" for name in changes}
    changed = customer_update(
        customer=customer, actor=actor, data=changes, reason=request.reference
    )
    request.previous_values = json.dumps(before, ensure_ascii=False)
    with translation.override(request.language):
        request.answer_reason = gettext("Your data was corrected as you asked.")
        request.answer_remedy = field_labels(changed or list(changes))
    return ["previous_values", "answer_reason", "answer_remedy"]


def send_copy(request: DataRequest, actor, inputs: dict) -> list[str]:
    customer = request.customer
    delivery = inputs.get("delivery", "")
    if customer.email and not customer.email_suspended and not delivery:
        # The copy is the customer's data page: a one-time link to see and download it.
        with translation.override(request.language):
            path = my_data.open_path(customer)
        message_queue(
            customer=customer,
            purpose="service",
            template="my_data_link",
            context={"link": absolute_url(path), "hours": my_data.max_age() // 3600},
            language=request.language,
        )
        request.copy_sent_via = "email"
    elif delivery in DELIVERY:
        request.copy_sent_via = delivery
    else:
        raise RequestError(
            gettext(
                "The customer has no email address we may use: hand the copy over in person "
                "or send it by post, and say which."
            )
        )
    with translation.override(request.language):
        request.answer_reason = gettext("We sent you a copy of your data.")
    return ["copy_sent_via", "answer_reason"]


def restrict(request: DataRequest, actor, inputs: dict) -> list[str]:
    # In force through the restriction register: campaigns, sharing, references, the API and
    # webhooks leave the customer out until it is lifted (customers/records/restriction.py).
    customer_restrict(
        customer=request.customer, actor=actor, reason=request.reference, request=request
    )
    with translation.override(request.language):
        request.answer_reason = gettext(
            "We have restricted the processing of your data: we only store it, and keep what "
            "the law requires, until you or a reasoned decision lifts the restriction."
        )
    return ["answer_reason"]


def withdraw(request: DataRequest, actor, inputs: dict) -> list[str]:
    granted = ConsentState.objects.filter(customer=request.customer, granted=True).select_related(
        "purpose"
    )
    names = []
    with transaction.atomic():
        for state in granted:
            consent_withdraw(
                customer=request.customer,
                purpose=state.purpose,
                channel=ConsentEvent.Channel.STAFF,
                language=request.language,
                actor=actor,
            )
            names.append(state.purpose)
    with translation.override(request.language):
        request.answer_reason = gettext("Your consents were withdrawn.")
        request.answer_remedy = ", ".join(p.name() for p in names)
    return ["answer_reason", "answer_remedy"]


def answer(request: DataRequest, actor, inputs: dict) -> list[str]:
    request.answer_reason, request.answer_remedy = inputs["reason"], inputs["remedy"]
    return ["answer_reason", "answer_remedy"]


def refuse(request: DataRequest, actor, inputs: dict) -> list[str]:
    if not actor.is_staff:
        raise RequestError(gettext("A refusal is a person's decision: a staff member takes it."))
    request.answer_reason, request.answer_remedy = inputs["reason"], inputs["remedy"]
    request.decided_by = actor.user
    fields = ["answer_reason", "answer_remedy", "decided_by"]
    if request.kind == DataRequest.Kind.DELETION:
        request.refusal_ground = inputs["ground"]
        fields.append("refusal_ground")
    return fields


def refused_words(request: DataRequest) -> str:
    ground = request.get_refusal_ground_display() if request.refusal_ground else ""
    return gettext("Refused: %(why)s") % {
        "why": " — ".join(x for x in (str(ground), request.answer_reason) if x)
    }


EFFECTS = {
    "ask_confirmation": ask_confirmation,
    "confirmed": confirmation.end_services,
    "erase": erase,
    "apply_correction": apply_correction,
    "send_copy": send_copy,
    "restrict": restrict,
    "withdraw": withdraw,
    "answered": answer,
    "rejected": refuse,
}
