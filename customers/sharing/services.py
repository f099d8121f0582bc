"""Sharing customer data: partners only with current consent; mandatory legal disclosures
decided by the data-protection role, with the customer told and able to object where allowed."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.audit.services import access_log
from customers.consents.models import ConsentState
from customers.consents.selectors import customer_ids_consenting, restricted
from customers.core.actors import Actor
from customers.core.selectors import UNCONFIRMED_WEB_REGISTRATION
from customers.messaging.services import message_queue
from customers.models import (
    AccessLogEntry,
    Customer,
    Disclosure,
    LegalDisclosureRequest,
    Recipient,
    Service,
)
from customers.sharing.selectors import recipient_refusal, recipients_for_sharing

logger = logging.getLogger(__name__)
L = LegalDisclosureRequest.Status


class DisclosureRefused(Exception):
    pass


def _refuse_closed_recipient(recipient: Recipient) -> None:
    """Whatever screen calls: an authority only through the legal-disclosure flow (the customer
    told where allowed, an objection window), nothing to a recipient whose relationship ended."""
    if recipient.kind == Recipient.Kind.AUTHORITY:
        raise DisclosureRefused(
            _(
                "%(name)s is an authority: data is given to an authority only through a legal "
                "disclosure request, decided by the data-protection role."
            )
            % {"name": recipient.name}
        )
    if recipient.kind == Recipient.Kind.PARTNER and recipient_refusal(recipient):
        raise DisclosureRefused(recipient_refusal(recipient))
    if not recipient.active:
        raise DisclosureRefused(
            _("%(name)s is not in use: nothing may be shared with it.") % {"name": recipient.name}
        )
    if not recipients_for_sharing().filter(pk=recipient.pk).exists():
        raise DisclosureRefused(
            _("The relationship with %(name)s has ended: nothing may be shared with it.")
            % {"name": recipient.name}
        )


@transaction.atomic
def recipient_save(*, recipient: Recipient, actor) -> Recipient:
    """Register or change a recipient, as the company profile allows: no partner where the
    policy shares with none, nothing abroad in use without a filed TIA covering it."""
    Actor.of(actor).require(
        "customers.add_recipient" if recipient.pk is None else "customers.change_recipient"
    )
    refusal = recipient_refusal(recipient)
    if refusal:
        raise DisclosureRefused(refusal)
    recipient.full_clean()
    recipient.save()
    return recipient


@transaction.atomic
def disclosure_record(
    *, recipient: Recipient, customer_ids, fields, legal_basis: str, actor, note: str = ""
) -> Disclosure:
    """Record a sharing. To a processor it is refused without a confidentiality commitment on
    record; to a partner unless every customer's consent to partner sharing is current."""
    actor = Actor.of(actor).require("customers.add_disclosure")
    customer_ids = sorted(set(customer_ids))
    _refuse_closed_recipient(recipient)
    if recipient.kind == Recipient.Kind.PROCESSOR and not recipient.confidentiality_commitment:
        raise DisclosureRefused(
            _(
                "%(name)s has no confidentiality commitment on record: nothing may be shared with it."
            )
            % {"name": recipient.name}
        )
    if recipient.kind == Recipient.Kind.PARTNER:
        consenting = set(
            ConsentState.objects.filter(
                customer_id__in=customer_ids, purpose__code="partner_sharing", granted=True
            )
            # Given on the public form by whoever typed the address, until it is confirmed;
            # not acted on while processing is restricted.
            .exclude(
                customer__in=Customer.objects.filter(
                    UNCONFIRMED_WEB_REGISTRATION | restricted("partner_sharing")
                )
            )
            .values_list("customer_id", flat=True)
        )
        held = set(
            Customer.objects.filter(pk__in=customer_ids)
            .filter(restricted("partner_sharing"))
            .values_list("pk", flat=True)
        )
        if held:
            raise DisclosureRefused(
                _("Processing is restricted for customers %(ids)s: nothing may be shared.")
                % {"ids": ", ".join(f"#{i}" for i in sorted(held))}
            )
        missing = [i for i in customer_ids if i not in consenting]
        if missing or legal_basis != Disclosure.Basis.CONSENT:
            raise DisclosureRefused(
                _("No current consent to partner sharing for customers %(ids)s.")
                % {"ids": ", ".join(f"#{i}" for i in missing) or "-"}
            )
    disclosure = Disclosure.objects.create(
        recipient=recipient,
        customer_ids=customer_ids,
        fields=sorted(fields),
        legal_basis=legal_basis,
        actor=actor.user,
        note=note,
    )
    access_log(
        actor=actor,
        action=AccessLogEntry.Action.EXPORT,
        customers=customer_ids,
        fields=fields,
        reason=f"disclosure to {recipient.pk}",
    )
    logger.info("disclosure.recorded disclosure_id=%s count=%s", disclosure.pk, len(customer_ids))
    return disclosure


@transaction.atomic
def legal_request_decide(
    *,
    request: LegalDisclosureRequest,
    actor,
    may_notify: bool,
    reason: str,
    objection_days: int = 7,
) -> LegalDisclosureRequest:
    """Decide whether the customers may be told. If so they are, and get an objection window
    before anything is disclosed; if not (the law forbids telling), it is ready at once."""
    actor = Actor.of(actor).require("customers.change_legaldisclosurerequest")
    request = LegalDisclosureRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != L.RECEIVED:
        return request
    if not reason.strip():
        raise DisclosureRefused(_("Give the reason for this decision."))
    request.may_notify_customer, request.notify_reason = may_notify, reason.strip()
    request.decided_by = actor.user
    if may_notify:
        request.objection_until = timezone.now() + datetime.timedelta(days=objection_days)
        request.status = L.OBJECTION_WINDOW
        for customer in Customer.objects.filter(pk__in=request.customer_ids).exclude(
            status=Customer.Status.ERASED
        ):
            message_queue(
                customer=customer,
                purpose="service",
                template="legal_disclosure",
                context={
                    "authority": request.get_authority_display(),
                    "reference": request.document_reference,
                    "data": request.data_requested,
                    "until": timezone.localtime(request.objection_until).strftime("%d/%m/%Y"),
                },
            )
    else:
        request.status = L.READY
    request.save()
    return request


@transaction.atomic
def legal_request_objection(
    *, request: LegalDisclosureRequest, actor, upheld_by_court: bool | None
) -> LegalDisclosureRequest:
    """The customer objected (staff record it): disclosure waits (postponed); a court that
    upholds the objection stops it, one that dismisses it lets it go ahead."""
    Actor.of(actor).require("customers.change_legaldisclosurerequest")
    request = LegalDisclosureRequest.objects.select_for_update().get(pk=request.pk)
    request.objection_received = True
    if upheld_by_court is None:
        request.status = L.POSTPONED
    else:
        request.status = L.STOPPED if upheld_by_court else L.READY
    request.save(update_fields=["objection_received", "status"])
    return request


@transaction.atomic
def legal_request_disclose(*, request: LegalDisclosureRequest, actor, fields, form: str):
    actor = Actor.of(actor).require("customers.change_legaldisclosurerequest")
    request = LegalDisclosureRequest.objects.select_for_update().get(pk=request.pk)
    window_over = request.objection_until and timezone.now() >= request.objection_until
    if request.status == L.OBJECTION_WINDOW and window_over and not request.objection_received:
        request.status = L.READY
    if request.status != L.READY:
        raise DisclosureRefused(
            _("This request cannot be disclosed now (%(status)s).")
            % {"status": request.get_status_display()}
        )
    request.status = L.DISCLOSED
    request.disclosed_at = timezone.now()
    request.disclosed_fields, request.disclosed_form = sorted(fields), form
    request.save()
    access_log(
        actor=actor,
        action=AccessLogEntry.Action.EXPORT,
        customers=request.customer_ids,
        fields=fields,
        reason=f"legal disclosure {request.document_reference}"[:255],
    )
    return request


def references_public():
    """Customers who consented to be a reference and did not ask never to be published."""
    customers = (
        Customer.objects.filter(
            pk__in=customer_ids_consenting("reference"),
            no_publication=False,
            status=Customer.Status.ACTIVE,
        )
        .exclude(business_name="")
        .exclude(UNCONFIRMED_WEB_REGISTRATION)  # anyone could have typed the business in
        .exclude(restricted("reference"))
        .order_by("business_name")
    )
    products = {}
    for service in Service.objects.filter(customer__in=customers).order_by("started_on"):
        products.setdefault(service.customer_id, service.product)
    return [(c.business_name, products.get(c.pk, "")) for c in customers]
