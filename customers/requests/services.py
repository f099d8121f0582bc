"""Customer requests (access, correction, deletion, withdrawal, objection, complaint) and
their legal clocks. Every transition is one function here, recorded with who did it."""

import json
import logging
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.core.actors import Actor
from customers.core.labels import field_labels_in
from customers.core.roles import Role
from customers.incidents.services import incident_open_from_complaint
from customers.messaging.services import message_queue
from customers.models import Customer, DataRequest, DataRequestEvent, ErasureCertificate
from customers.records.services import (
    customer_email_restore,
    customer_touch,
    customer_update,
)
from customers.requests.deadlines import request_deadlines
from customers.retention.erasure import ErasureBlocked, customer_erase
from customers.staff.services import staff_emails
from privacysite.journal import journal_request_opened

logger = logging.getLogger(__name__)
S = DataRequest.Status

ALLOWED = {
    S.RECEIVED: {S.VERIFIED, S.IN_PROGRESS, S.ANSWERED, S.REJECTED},
    S.VERIFIED: {S.IN_PROGRESS, S.ANSWERED, S.REJECTED},
    S.IN_PROGRESS: {S.ANSWERED, S.REJECTED},
    S.EXTENDED: {S.IN_PROGRESS, S.ANSWERED, S.REJECTED},
    S.HELD: {S.RECEIVED, S.REJECTED},
}


class RequestError(Exception):
    """A transition that the request's state or the rules do not allow; the text says why."""


def _new_reference() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    for _attempt in range(10):
        code = "".join(secrets.choice(alphabet) for _ in range(6))
        reference = f"YC-{timezone.localdate():%y}-{code}"
        if not DataRequest.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("could not draw a free request reference")


def _event(request, actor, from_status, to_status, note="", internal=False):
    actor = Actor.of(actor)
    DataRequestEvent.objects.create(
        request=request,
        **actor.recorded(),
        from_status=from_status,
        to_status=to_status,
        note=note,
        internal=internal,
    )


def _notify(request, template, **context):
    message_queue(
        customer=request.customer,
        purpose="service",
        template=template,
        context={
            "reference": request.reference,
            "kind": request.kind,
            "deadline": request.deadline.isoformat(),
            **context,
        },
        language=request.language,
    )


@transaction.atomic
def request_open(
    *,
    customer: Customer,
    kind: str,
    language: str = "vi",
    details: str = "",
    proposed_changes: dict | None = None,
    complaint_category: str = "",
    attachment=None,
    processor_involved: bool = False,
    submission_key: str = "",
) -> DataRequest:
    """Record a request, start its clock and acknowledge it by email.

    A request from a suspended email channel is held until the customer is re-verified.
    The same rendered form sent again (``submission_key``) returns the request it opened.
    """
    if customer.is_erased:
        raise RequestError("The customer's data has been erased.")
    if submission_key:
        # Waits on the customer's row, so a second copy sent at the same moment finds the
        # first one's request instead of opening another.
        Customer.objects.select_for_update().filter(pk=customer.pk).first()
        existing = DataRequest.objects.filter(
            customer=customer, submission_key=submission_key[:32]
        ).first()
        if existing is not None:
            return existing
    received = timezone.now()
    ack, due = request_deadlines(
        kind, timezone.localdate(received), processor_involved=processor_involved
    )
    held = customer.email_suspended
    request = DataRequest(
        reference=_new_reference(),
        submission_key=submission_key[:32],
        customer=customer,
        kind=kind,
        status=S.HELD if held else S.RECEIVED,
        complaint_category=complaint_category,
        details=details,
        proposed_changes=json.dumps(proposed_changes, ensure_ascii=False)
        if proposed_changes
        else "",
        language=language,
        processor_involved=processor_involved,
        received_at=received,
        acknowledge_by=ack,
        due_on=due,
        incident_needed=complaint_category == DataRequest.ComplaintCategory.LEAK,
    )
    if attachment is not None:
        request.attachment = attachment
    request.full_clean(exclude=["attachment"], validate_constraints=False)
    request.save()
    _event(request, "customer", "", request.status)
    customer_touch(customer=customer)
    if request.incident_needed:
        incident_open_from_complaint(request=request)
    if not held:
        request.acknowledged_at = received
        request.save(update_fields=["acknowledged_at"])
        _notify(request, "request_received")
    journal_request_opened(
        reference=request.reference, kind=kind, due_on=request.due_on, customer_id=customer.pk
    )
    logger.info("request.opened request_id=%s kind=%s held=%s", request.pk, kind, held)
    return request


@transaction.atomic
def request_transition(
    *,
    request: DataRequest,
    actor,
    to_status: str,
    reason: str = "",
    remedy: str = "",
    note: str = "",
) -> DataRequest:
    Actor.of(actor).require("customers.change_datarequest")
    request = DataRequest.objects.select_for_update().select_related("customer").get(pk=request.pk)
    if request.status == to_status:
        return request
    if to_status not in ALLOWED.get(request.status, set()):
        raise RequestError(
            _("A request that is %(status)s cannot become %(to)s.")
            % {"status": request.get_status_display(), "to": S(to_status).label}
        )
    closing = to_status in (S.ANSWERED, S.REJECTED)
    needs_reasons = to_status == S.REJECTED or (
        closing and request.kind == DataRequest.Kind.COMPLAINT
    )
    if needs_reasons and not (reason.strip() and remedy.strip()):
        raise RequestError(_("Give the reason and the remedy: the customer receives both."))
    from_status = request.status
    request.status = to_status
    fields = ["status"]
    if closing:
        request.closed_at = timezone.now()
        request.answer_reason, request.answer_remedy = reason.strip(), remedy.strip()
        fields += ["closed_at", "answer_reason", "answer_remedy"]
    request.save(update_fields=fields)
    _event(request, actor, from_status, to_status, note=note)
    if closing:
        _notify(
            request,
            "request_answered",
            status=to_status,
            reason=request.answer_reason,
            remedy=request.answer_remedy,
        )
    logger.info("request.transition request_id=%s %s->%s", request.pk, from_status, to_status)
    return request


@transaction.atomic
def request_extend(*, request: DataRequest, actor, reason: str) -> DataRequest:
    """The one extension the law allows, with a reason the customer receives."""
    Actor.of(actor).require("customers.change_datarequest")
    request = DataRequest.objects.select_for_update().select_related("customer").get(pk=request.pk)
    if request.extended_until is not None:
        raise RequestError(_("This request has already been extended once."))
    if not request.is_open:
        raise RequestError(_("A closed request cannot be extended."))
    if not reason.strip():
        raise RequestError(_("Give the reason for the extension: the customer receives it."))
    days = settings.REQUEST_DEADLINES[request.kind]["extension_days"]
    from_status = request.status
    request.extended_until = request.due_on + timezone.timedelta(days=days)
    request.extension_reason = reason.strip()
    request.status = S.EXTENDED
    request.save(update_fields=["extended_until", "extension_reason", "status"])
    _event(request, actor, from_status, S.EXTENDED, note=reason)
    _notify(request, "request_extended", reason=request.extension_reason)
    return request


@transaction.atomic
def request_apply_correction(*, request: DataRequest, actor) -> DataRequest:
    """Apply the proposed changes through the customers' service (with history), then answer."""
    Actor.of(actor).require("customers.change_datarequest", "customers.change_customer")
    if request.kind != DataRequest.Kind.CORRECTION or not request.is_open:
        raise RequestError(_("Only an open correction request can be applied."))
    changes = json.loads(request.proposed_changes or "{}")
    changed = customer_update(
        customer=request.customer, actor=actor, data=changes, reason=request.reference
    )
    return request_transition(
        request=request,
        actor=actor,
        to_status=S.ANSWERED,
        reason=_("Your data was corrected as you asked."),
        remedy=field_labels_in(changed, request.language),
    )


def request_add_note(*, request: DataRequest, actor, note: str) -> None:
    Actor.of(actor).require("customers.change_datarequest")
    _event(request, actor, request.status, request.status, note=note, internal=True)


@transaction.atomic
def request_release_held(*, customer: Customer, actor) -> int:
    """After re-verification: held requests restart their clock from now. Part of
    re-verifying the customer, so it needs what that needs (changing the customer)."""
    Actor.of(actor).require("customers.change_customer")
    released = 0
    for request in customer.requests.select_for_update().filter(status=S.HELD):
        ack, due = request_deadlines(
            request.kind, timezone.localdate(), processor_involved=request.processor_involved
        )
        request.status, request.acknowledge_by, request.due_on = S.RECEIVED, ack, due
        request.acknowledged_at = timezone.now()
        request.save(update_fields=["status", "acknowledge_by", "due_on", "acknowledged_at"])
        _event(request, actor, S.HELD, S.RECEIVED, note="re-verified")
        _notify(request, "request_received")
        released += 1
    return released


def requests_send_reminders(*, today=None) -> tuple[int, int]:
    """Daily: remind the assignee (or customer care) of requests due within two days, and
    tell the data-protection role about overdue ones. Returns (reminded, escalated)."""
    today = today or timezone.localdate()
    soon = today + timezone.timedelta(days=2)
    open_requests = DataRequest.objects.filter(status__in=DataRequest.OPEN).select_related(
        "assignee"
    )
    care, dpo = staff_emails(Role.CUSTOMER_CARE), staff_emails(Role.DPO)
    reminded = escalated = 0
    for request in open_requests.iterator():
        link = f"{settings.SITE_URL.rstrip('/')}/admin/customers/datarequest/{request.pk}/change/"
        if request.deadline < today:
            if dpo:
                send_mail(
                    f"[privacysite] OVERDUE {request.reference}",
                    f"{request.reference} ({request.kind}) was due {request.deadline}.\n{link}\n",
                    None,
                    dpo,
                )
            escalated += 1
        elif request.deadline <= soon:
            to = [request.assignee.email] if request.assignee and request.assignee.email else care
            if to:
                send_mail(
                    f"[privacysite] due {request.deadline}: {request.reference}",
                    f"{request.reference} ({request.kind}) is due {request.deadline}.\n{link}\n",
                    None,
                    to,
                )
            reminded += 1
    logger.info("requests.reminders reminded=%s escalated=%s", reminded, escalated)
    return reminded, escalated


def request_carry_out_deletion(*, request: DataRequest, actor) -> DataRequest:
    """A deletion request handed to erasure; the answer lists what is kept, why and until when."""
    Actor.of(actor).require("customers.change_datarequest", "customers.erase_customer")
    if request.kind != DataRequest.Kind.DELETION or not request.is_open:
        raise RequestError(_("Only an open deletion request can be carried out."))
    try:
        certificate = customer_erase(
            customer=request.customer,
            actor=actor,
            trigger=ErasureCertificate.Trigger.REQUEST,
            reason=request.reference,
            except_request_id=request.pk,
        )
    except ErasureBlocked as blocked:
        return request_transition(
            request=request,
            actor=actor,
            to_status=DataRequest.Status.REJECTED,
            reason=_("We cannot delete your data yet because of %(why)s.") % {"why": blocked},
            remedy=_("We will delete it when this ends; you may ask again then."),
        )
    kept = "; ".join(f"{k['what']} ({k['why']}, {k['until']})" for k in certificate.kept)
    return request_transition(
        request=request,
        actor=actor,
        to_status=DataRequest.Status.ANSWERED,
        reason=_("Your personal data has been deleted."),
        remedy=(_("Kept because the Accounting Law requires it: %(kept)s.") % {"kept": kept})
        if kept
        else _("Nothing was kept."),
    )


@transaction.atomic
def customer_lift_email_suspension(*, customer: Customer, actor, verification: str) -> bool:
    """The customer was re-verified (by phone): the channel works again, held requests go on."""
    Actor.of(actor).require("customers.change_customer")
    if not customer_email_restore(customer=customer, actor=actor, verification=verification):
        return False
    request_release_held(customer=customer, actor=actor)
    return True
