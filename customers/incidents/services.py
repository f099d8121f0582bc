"""Breaches: the record, the 72-hour clock to the authority, the Form 08 notice, and the
message to affected customers sent in batches."""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from customers.audit.services import access_log
from customers.core import jobs
from customers.core.actors import Actor
from customers.core.roles import Role
from customers.core.selectors import customers_matching_each
from customers.messaging.services import message_queue
from customers.models import (
    AccessLogEntry,
    Customer,
    DataRequest,
    Incident,
    IncidentNotice,
    Message,
)
from customers.staff.services import staff_emails
from privacysite.plain_text import render_text

logger = logging.getLogger(__name__)
DEADLINE = datetime.timedelta(hours=72)
ALARMS = (24, 48, 66)


def incident_open_from_complaint(*, request: DataRequest) -> Incident:
    """A complaint about a leak opens a draft incident for the data-protection role."""
    incident, _ = Incident.objects.get_or_create(
        source_request=request,
        defaults={
            "status": Incident.Status.DRAFT,
            "detected_at": request.received_at,
            "description": f"Complaint {request.reference}",
            "customer_ids": [request.customer_id],
            "volume": 1,
        },
    )
    return incident


@transaction.atomic
def incident_add_customers(*, incident: Incident, customer_ids, actor) -> int:
    """Add affected customers (chosen, matched from a leaked list, or found by a query).

    Returns how many were new to the incident; the volume never drops below the count.
    """
    Actor.of(actor).require("customers.change_incident")
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    known = set(incident.customer_ids)
    new = set(customer_ids) - known
    if new:
        incident.customer_ids = sorted(known | new)
        incident.volume = max(incident.volume, len(incident.customer_ids))
        incident.save(update_fields=["customer_ids", "volume"])
    logger.info("incident.customers_added incident_id=%s added=%s", incident.pk, len(new))
    return len(new)


def _customers_matching_leak(text: str) -> tuple[set[int], int]:
    """Customers named by a leaked list: one email, phone or tax code per line, matched by
    blind index (nothing is decrypted, nothing pasted is stored). Returns the ids found and
    the number of lines that matched nobody."""
    terms = [t for t in (line.strip().strip(",;") for line in text.splitlines()) if t]
    matches = customers_matching_each(terms)
    return set().union(*matches), sum(1 for ids in matches if not ids)


def incident_import_leaked_list(
    *, incident: Incident, text: str, actor, ip_address=None
) -> tuple[set[int], int, int]:
    """Add the customers a leaked list names to the incident. Matching tells staff whose data
    leaked, so it is a search in the access log. Returns (matched ids, newly added, lines
    that matched nobody)."""
    actor = Actor.of(actor).require("customers.change_incident")
    found, unmatched = _customers_matching_leak(text)
    access_log(
        actor=actor,
        action=AccessLogEntry.Action.SEARCH,
        customers=found,
        fields=["email", "phone_mobile", "phone_home", "phone_office", "tax_code"],
        reason=f"incident {incident.pk}: leaked list",
        ip_address=ip_address,
    )
    added = incident_add_customers(incident=incident, customer_ids=found, actor=actor)
    return found, added, unmatched


def incident_deadline(incident: Incident):
    return incident.detected_at + DEADLINE


def incident_alarms(*, now=None) -> list[tuple[int, str]]:
    """Alarm the data-protection role at 24, 48 and 66 hours and when overdue, once each."""
    now = now or timezone.now()
    recipients = staff_emails(Role.DPO)
    raised = []
    pending = Incident.objects.filter(
        status__in=[Incident.Status.OPEN, Incident.Status.DRAFT],
        harm_possible=True,
        authority_notified_at__isnull=True,
    )
    for incident in pending:
        hours = (now - incident.detected_at).total_seconds() / 3600
        due = [f"{h}h" for h in ALARMS if hours >= h] + (["overdue"] if hours >= 72 else [])
        new = [a for a in due if a not in incident.alarms_sent]
        if not new:
            continue
        alarm = new[-1]
        if recipients:
            from django.utils.translation import gettext, override

            from privacysite.display import when

            with override(settings.LANGUAGE_CODE):  # staff read it in Vietnam's time and words
                send_mail(
                    f"[privacysite] incident #{incident.pk}: {alarm}",
                    gettext(
                        "Incident #%(id)s detected at %(detected)s; the authority must be "
                        "notified by %(deadline)s (Vietnam time)."
                    )
                    % {
                        "id": incident.pk,
                        "detected": when(incident.detected_at),
                        "deadline": when(incident_deadline(incident)),
                    }
                    + "\n",
                    None,
                    recipients,
                )
        Incident.objects.filter(pk=incident.pk).update(alarms_sent=[*incident.alarms_sent, *new])
        raised.append((incident.pk, alarm))
    return raised


def form_08(incident: Incident) -> str:
    """The notice to the authority with the content Decree 356 Art 28 / Form 08 asks for."""
    return render_text(
        "customers/incident_form08.txt",
        {
            "incident": incident,
            "organisation": settings.ORGANISATION,
            "dpo": settings.DPO,
            "deadline": incident_deadline(incident),
            "late": timezone.now() > incident_deadline(incident),
        },
    )


@transaction.atomic
def incident_notify_authority(*, incident: Incident, actor) -> IncidentNotice:
    Actor.of(actor).require("customers.change_incident")
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    now = timezone.now()
    late = now > incident_deadline(incident)
    if late and not incident.late_notice_reason.strip():
        raise ValueError("A notice after 72 hours needs the reason for the delay.")
    follow_up = incident.authority_notified_at is not None
    notice = IncidentNotice.objects.create(
        incident=incident, sent_at=now, follow_up=follow_up, content=form_08(incident)
    )
    if not follow_up:
        incident.authority_notified_at = now
        incident.status = Incident.Status.NOTIFIED
        incident.save(update_fields=["authority_notified_at", "status"])
    logger.info("incident.notice incident_id=%s follow_up=%s", incident.pk, follow_up)
    return notice


def incident_notify_customers(*, incident: Incident, actor, batch: int = 200) -> int:
    """Queue the message to every affected customer, in batches (each send recorded)."""
    Actor.of(actor).require("customers.change_incident")
    ids = list(
        Customer.objects.filter(pk__in=incident.customer_ids)
        .exclude(status=Customer.Status.ERASED)
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        transaction.on_commit(
            lambda chunk=chunk: jobs.enqueue(jobs.INCIDENT_MESSAGE_BATCH, incident.pk, chunk)
        )
    return len(ids)


def incident_message_batch(*, incident_id: int, customer_ids) -> int:
    incident = Incident.objects.get(pk=incident_id)
    sent = 0
    already = set(
        Message.objects.filter(customer_id__in=customer_ids, incident=incident).values_list(
            "customer_id", flat=True
        )
    )
    for customer in Customer.objects.filter(pk__in=customer_ids).exclude(pk__in=already):
        message_queue(
            customer=customer,
            purpose="incident",
            template="incident_notice",
            incident=incident,
            context={
                "detected": timezone.localtime(incident.detected_at).strftime("%d/%m/%Y"),
                "categories": incident.data_categories,
                "measures": incident.measures,
            },
        )
        sent += 1
    return sent
