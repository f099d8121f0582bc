"""Customer requests (access, correction, deletion, withdrawal, objection, complaint) and
their legal clocks. Every transition is one function here, recorded with who did it."""

import json
import logging
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.core.actors import Actor
from customers.incidents.services import incident_open_from_complaint
from customers.messaging.services import message_queue
from customers.models import Customer, DataRequest, DataRequestEvent
from customers.records.services import customer_email_restore, customer_touch
from customers.requests import workflow
from customers.requests.deadlines import request_deadlines
from customers.requests.effects import EFFECTS, customer_channel
from customers.requests.workflow import RequestError
from privacysite.display import day
from privacysite.journal import journal_request_opened

logger = logging.getLogger(__name__)
S = DataRequest.Status
__all__ = ["RequestError"]  # raised here, defined with the table (customers.requests.workflow)


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
        channel=customer_channel(request.customer),
        template=template,
        context={
            "reference": request.reference,
            "kind": request.kind,
            "deadline": day(request.deadline),  # as the customer's page writes it
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
    """Record a customer's own request (the my-data pages), start its clock and acknowledge it.

    A request from a suspended email channel is held until the customer is re-verified.
    The same rendered form sent again (``submission_key``) returns the request it opened.
    """
    if submission_key:
        # Waits on the customer's row, so a second copy sent at the same moment finds the
        # first one's request instead of opening another.
        Customer.objects.select_for_update().filter(pk=customer.pk).first()
        existing = DataRequest.objects.filter(
            customer=customer, submission_key=submission_key[:32]
        ).first()
        if existing is not None:
            return existing
    return _open(
        customer=customer,
        kind=kind,
        actor="customer",
        language=language,
        details=details,
        proposed_changes=proposed_changes,
        complaint_category=complaint_category,
        attachment=attachment,
        processor_involved=processor_involved,
        submission_key=submission_key,
        held=customer.email_suspended,
    )


@transaction.atomic
def request_file(
    *,
    actor,
    customer: Customer,
    kind: str,
    channel: str,
    identity_check: str,
    details: str = "",
    complaint_category: str = "",
    proposed_changes: dict | None = None,
) -> DataRequest:
    """Staff record a request the customer made by phone, email, letter or in person, with
    how they verified who asked. Same reference, clocks and answers as a web request; the
    answers go through the channel the customer has (SMS for a customer known by phone)."""
    actor = Actor.of(actor).require("customers.add_datarequest")
    if channel not in DataRequest.Channel.values or channel == DataRequest.Channel.WEB:
        raise RequestError(_("Say how the request reached us: phone, email, letter or in person."))
    if identity_check not in DataRequest.IdentityCheck.values:
        raise RequestError(_("Say how you verified that the customer is who they say."))
    # A reply from a suspended address proves nothing until the customer is re-verified.
    held = customer.email_suspended and channel == DataRequest.Channel.EMAIL
    return _open(
        customer=customer,
        kind=kind,
        actor=actor,
        language=customer.preferred_language or "vi",
        details=details,
        proposed_changes=proposed_changes,
        complaint_category=complaint_category,
        channel=channel,
        identity_check=identity_check,
        held=held,
    )


def _open(
    *, customer, kind, actor, held, channel=DataRequest.Channel.WEB, identity_check="", **fields
):
    if customer.is_erased:
        raise RequestError(_("The customer's data has been erased."))
    if kind == DataRequest.Kind.OBJECTION and not fields.get("details", "").strip():
        raise RequestError(
            _(
                "Say what you object to, or which processing to restrict: we cannot act on "
                "an empty objection."
            )
        )
    received = timezone.now()
    ack, due = request_deadlines(
        kind,
        timezone.localdate(received),
        processor_involved=fields.get("processor_involved", False),
    )
    proposed = fields.pop("proposed_changes", None)
    attachment = fields.pop("attachment", None)
    category = fields.get("complaint_category", "")
    # Identity checked by staff at intake counts as verified; a web request proves its
    # address by the link.
    status = S.HELD if held else (S.VERIFIED if identity_check else S.RECEIVED)
    request = DataRequest(
        reference=_new_reference(),
        customer=customer,
        kind=kind,
        status=status,
        proposed_changes=json.dumps(proposed, ensure_ascii=False) if proposed else "",
        channel=channel,
        identity_check=identity_check,
        received_at=received,
        acknowledge_by=ack,
        due_on=due,
        incident_needed=category == DataRequest.ComplaintCategory.LEAK,
        **{k: (v[:32] if k == "submission_key" else v) for k, v in fields.items()},
    )
    if attachment is not None:
        request.attachment = attachment
    request.full_clean(exclude=["attachment"], validate_constraints=False)
    request.save()
    note = ""
    if identity_check:
        note = f"{request.get_channel_display()}: {request.get_identity_check_display()}"
    _event(request, actor, "", request.status, note=note)
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
def request_move(
    *,
    request: DataRequest,
    actor,
    action: str,
    reason: str = "",
    remedy: str = "",
    ground: str = "",
    delivery: str = "",
    note: str = "",
) -> DataRequest:
    """Move a request by one transition of its kind's table (``customers.requests.workflow``).

    A closing move carries out its effect first (erase, apply, send, restrict, withdraw) and
    commits only if the end state then holds; otherwise nothing changes and RequestError
    says why. A repeat of a move already made changes nothing.
    """
    actor = Actor.of(actor).require("customers.change_datarequest")
    request = DataRequest.objects.select_for_update().select_related("customer").get(pk=request.pk)
    step = workflow.transition(request, action)
    if step is None:
        if request.status in {t.target for t in workflow.TRANSITIONS if t.action == action}:
            return request
        raise RequestError(
            _("This action does not apply to a %(kind)s request that is %(status)s.")
            % {"kind": request.get_kind_display(), "status": request.get_status_display()}
        )
    actor.require(*step.permissions)
    if step.by_customer and actor.is_staff:
        raise RequestError(_("Only the customer can take this step, through their link."))
    if action == "extend":
        return request_extend(request=request, actor=actor, reason=reason)
    inputs = {"reason": reason.strip(), "remedy": remedy.strip(), "ground": ground}
    inputs["delivery"] = delivery
    if {"reason", "remedy"} <= step.needs and not (inputs["reason"] and inputs["remedy"]):
        raise RequestError(_("Give the reason and the remedy: the customer receives both."))
    if "ground" in step.needs and ground not in DataRequest.RefusalGround.values:
        raise RequestError(_("Choose the legal ground on which the deletion is refused."))
    from_status = request.status
    fields = EFFECTS[action](request, actor, inputs) if action in EFFECTS else []
    request.status = step.target
    fields.append("status")
    closing = step.target in workflow.FINAL
    if closing:
        request.closed_at = timezone.now()
        fields.append("closed_at")
        if not workflow.ARRIVAL[step.target](request):
            raise RequestError(_("The request cannot close: what it asks for is not done."))
    request.save(update_fields=fields)
    _event(request, actor, from_status, step.target, note=note)
    if closing and step.target != S.ERASED:  # after an erasure, the last message says it
        _notify(
            request,
            "request_answered",
            status=step.target,
            reason=request.answer_reason,
            remedy=request.answer_remedy,
        )
    logger.info("request.moved request_id=%s %s->%s", request.pk, from_status, step.target)
    return request


def request_transition(
    *, request: DataRequest, actor, to_status: str, reason: str = "", remedy: str = "", note=""
) -> DataRequest:
    """``request_move`` named by the state to reach (the older callers' way)."""
    Actor.of(actor).require("customers.change_datarequest")
    actions = [t.action for t in workflow.TRANSITIONS if t.target == to_status]
    return request_move(
        request=request,
        actor=actor,
        action=actions[0] if actions else to_status,
        reason=reason,
        remedy=remedy,
        note=note,
    )


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


def request_apply_correction(*, request: DataRequest, actor) -> DataRequest:
    """Apply the proposed changes (with history, old values kept in the request), then answer."""
    Actor.of(actor).require("customers.change_datarequest", "customers.change_customer")
    return request_move(request=request, actor=actor, action="apply_correction")


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


def request_carry_out_deletion(*, request: DataRequest, actor) -> DataRequest:
    """Erase the customer a deletion request is about; a blocker leaves the request open and
    says why (refusing is a separate decision, never automatic)."""
    Actor.of(actor).require("customers.change_datarequest", "customers.erase_customer")
    return request_move(request=request, actor=actor, action="erase")


@transaction.atomic
def customer_lift_email_suspension(*, customer: Customer, actor, verification: str) -> bool:
    """The customer was re-verified (by phone): the channel works again, held requests go on."""
    Actor.of(actor).require("customers.change_customer")
    if not customer_email_restore(customer=customer, actor=actor, verification=verification):
        return False
    request_release_held(customer=customer, actor=actor)
    return True
