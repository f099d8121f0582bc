"""The outbox: every message to a customer is recorded, then sent by a Celery task.

Recording first and sending after commit means a message is never sent for data that was
rolled back, and a message accepted while the broker is down is not lost: the periodic
``messages_resend_stuck`` task hands it to the broker again.
"""

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from customers.consents.models import ConsentState, Purpose
from customers.consents.selectors import is_restricted, purposes_needing_consent
from customers.consents.tokens import preferences_token, unsubscribe_token
from customers.core import jobs
from customers.core.company import organisation
from customers.messaging.limits import next_allowed_time
from customers.models import Customer, Message
from privacysite.plain_text import render_text

logger = logging.getLogger(__name__)

MAX_SEND_ATTEMPTS = 5
QUICK_PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1}
RESEND_SENDING_AFTER = timedelta(minutes=15)


def render_email(*, template: str, context: dict, language: str) -> tuple[str, str, str]:
    """Subject, text and HTML of ``templates/emails/<template>``, in the given language."""
    context = {"organisation": organisation(), **context}
    with translation.override(language):
        subject = render_text(f"emails/{template}_subject.txt", context).strip()
        text = render_text(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    return " ".join(subject.split()), text, html


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _links(customer: Customer, purpose_code: str) -> tuple[dict, dict]:
    """The footer links every message carries, and the unsubscribe headers (RFC 8058) of a
    message sent on consent."""
    context = {
        "preferences_url": absolute_url(
            reverse("consents:preferences", args=[preferences_token(customer)])
        )
    }
    headers = {}
    if purpose_code in purposes_needing_consent():
        url = absolute_url(
            reverse("consents:unsubscribe", args=[unsubscribe_token(customer, purpose_code)])
        )
        context["unsubscribe_url"] = url
        headers = {
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return context, headers


def message_queue(
    *,
    customer: Customer,
    purpose: str,
    template: str,
    context: dict,
    recipient: str | None = None,
    language: str | None = None,
    hold_reason: str = "",
    campaign=None,
    incident=None,
    channel: str = Message.Channel.EMAIL,
    enqueue: bool = True,
) -> Message | None:
    """Record a message to a customer and send it once the current transaction commits.

    Nothing is recorded for an erased customer or one without an address. A suspended email
    channel (suspected fraud) holds an email instead of sending it. SMS and calls wait for
    their hours (``not_before``). ``context`` must be JSON (links, numbers, dates as text):
    the message is rendered by the worker. ``enqueue=False`` leaves the sending to the caller
    (a campaign batch sends its messages itself; the resend sweep is the safety net).
    """
    if recipient is None:
        recipient = customer.email if channel == Message.Channel.EMAIL else customer.phone_mobile
    if customer.is_erased or not recipient:
        return None
    status, reason = Message.Status.QUEUED, ""
    if channel == Message.Channel.EMAIL and customer.email_suspended:
        status, reason = Message.Status.HELD, "email channel suspended"
    elif hold_reason:
        status, reason = Message.Status.HELD, hold_reason
    message = Message.objects.create(
        customer=customer,
        purpose=purpose,
        channel=channel,
        # Only SMS and calls have hours; an email goes whenever the worker gets to it.
        not_before=None
        if channel == Message.Channel.EMAIL
        else next_allowed_time(channel, timezone.now()),
        template=template,
        language=language or customer.preferred_language,
        recipient=recipient,
        context=json.dumps(context, ensure_ascii=False),
        status=status,
        status_reason=reason,
        campaign=campaign,
        incident=incident,
    )
    if status == Message.Status.QUEUED and enqueue:
        transaction.on_commit(lambda: message_enqueue(message_id=message.pk))
    logger.info("message.queued message_id=%s status=%s", message.pk, status)
    return message


def _render(message: Message) -> None:
    """Fill in subject, bodies and headers: what is sent is what is recorded."""
    if message.customer_id is None:
        # Tied to no customer (the last message after an erasure): the row says it all.
        links, headers = {}, {}
    else:
        with translation.override(message.language):  # the pages in the message's language
            links, headers = _links(message.customer, message.purpose)
    context = {"customer": message.customer, **links, **json.loads(message.context or "{}")}
    message.subject, message.body, message.html_body = render_email(
        template=message.template, context=context, language=message.language
    )
    message.headers = headers
    if message.channel != Message.Channel.EMAIL:
        message.html_body, message.headers = "", {}
        if message.channel == Message.Channel.SMS and headers:
            # An advertising SMS starts with its label (Decree 91/2020).
            message.body = "[QC] " + message.body
    message.save(update_fields=["subject", "body", "html_body", "headers", "updated_at"])


def message_enqueue(*, message_id: int) -> None:
    """Hand a message to the broker; if the broker is down, the periodic resend picks it up."""
    try:
        # One quick retry only: the request is waiting, and the resend sweep is the real retry.
        jobs.enqueue(jobs.MESSAGE_SEND, message_id, retry_policy=QUICK_PUBLISH_RETRY)
    except Exception as exc:  # The broker may be unreachable: the outbox row is the truth.
        logger.warning(
            "message.enqueue_failed message_id=%s error=%s", message_id, type(exc).__name__
        )


def message_send(*, message_id: int) -> bool:
    """Send one queued message. Returns False when there was nothing to do (a repeat).

    The row is claimed with a conditional update, so two workers never send it twice.
    Raises on a transient failure after putting the message back in the queue.
    """
    claimed = Message.objects.filter(pk=message_id, status=Message.Status.QUEUED).update(
        status=Message.Status.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    if not claimed:
        return False
    message = Message.objects.select_related("customer").get(pk=message_id)
    if message.not_before and message.not_before > timezone.now():
        # Outside the channel's hours: back to the queue; the periodic resend takes it later.
        _finish(message, Message.Status.QUEUED, "waiting for the allowed hours")
        return False
    suspended = (
        message.channel == Message.Channel.EMAIL
        and message.customer is not None
        and message.customer.email_suspended
    )
    if message.customer and (message.customer.is_erased or suspended):
        _finish(message, Message.Status.HELD, "customer erased or email channel suspended")
        return False
    held_for = _consent_hold_reason(message) if message.customer else ""
    if held_for:
        # Checked at send time: a withdrawal stops every message still in the queue.
        _finish(message, Message.Status.HELD, held_for)
        return False
    if message.customer_id is not None or not message.body:
        # (A notice to a recipient was written whole when it was queued.)
        _render(message)
    if message.channel != Message.Channel.EMAIL:
        import_string(settings.SMS_CALL_BACKEND)().send(message)
        _finish(message, Message.Status.SENT, "")
        return True
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        to=[message.recipient],
        headers=message.headers or None,
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    try:
        email.send()
    except Exception as exc:
        if message.attempts >= MAX_SEND_ATTEMPTS:
            _finish(message, Message.Status.FAILED, type(exc).__name__)
            logger.error("message.failed message_id=%s", message_id)
            return False
        _finish(message, Message.Status.QUEUED, type(exc).__name__)
        raise
    _finish(message, Message.Status.SENT, "")
    logger.info("message.sent message_id=%s", message_id)
    return True


def _consent_hold_reason(message: Message) -> str:
    """Why a message sent on consent must not go now ("" when it may)."""
    needs_consent = Purpose.objects.filter(
        code=message.purpose, legal_basis=Purpose.LegalBasis.CONSENT
    ).exists()
    if not needs_consent:
        return ""
    if not ConsentState.objects.filter(
        customer_id=message.customer_id, purpose__code=message.purpose, granted=True
    ).exists():
        return "consent withdrawn"
    if message.customer.awaits_confirmation:
        return "contact not confirmed"  # anyone could have typed the address in
    if is_restricted(message.customer, message.purpose):
        return "processing restricted"  # queued before the restriction: held with the rest
    return ""


def _finish(message: Message, status: str, reason: str) -> None:
    message.status = status
    message.status_reason = reason
    message.sent_at = timezone.now() if status == Message.Status.SENT else None
    fields = ["status", "status_reason", "sent_at", "updated_at"]
    if message.customer_id is None and status in (Message.Status.SENT, Message.Status.FAILED):
        # A message tied to no customer (the last one to an erased customer, a notice to a
        # recipient): once sent (or given up on), the address it went to is forgotten too.
        message.recipient = ""
        fields.append("recipient")
        if message.purpose == "recipient_notice":
            # It named the customer to the recipient: that text goes too.
            message.body = message.html_body = ""
            fields += ["body", "html_body"]
    message.save(update_fields=fields)


def messages_resend_stuck() -> int:
    """Queue again what never reached the broker, or whose worker died while sending."""
    now = timezone.now()
    stuck = Message.objects.filter(
        Q(
            status=Message.Status.QUEUED,
            updated_at__lt=now - timedelta(seconds=settings.MESSAGE_RESEND_AFTER),
        )
        & (Q(not_before__isnull=True) | Q(not_before__lte=now))
        | Q(status=Message.Status.SENDING, updated_at__lt=now - RESEND_SENDING_AFTER)
    )
    ids = list(stuck.values_list("pk", flat=True)[:1000])
    Message.objects.filter(pk__in=ids, status=Message.Status.SENDING).update(
        status=Message.Status.QUEUED, updated_at=now
    )
    for message_id in ids:
        message_enqueue(message_id=message_id)
    return len(ids)


class OutboxBackend:
    """The default SMS and call backend: the message row itself is the outbox, from which a
    brand-name SMS gateway or the call centre's dialler picks it up (docs/legal.md §9.7)."""

    def send(self, message: Message) -> None:
        logger.info("message.outbox message_id=%s channel=%s", message.pk, message.channel)
