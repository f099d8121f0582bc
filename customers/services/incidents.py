"""Breaches: the record, the 72-hour clock to the authority, the Form 08 notice, and the
message to affected customers sent in batches."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from customers.models import Customer, DataRequest, Incident, IncidentNotice

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


def incident_deadline(incident: Incident):
    return incident.detected_at + DEADLINE


def incident_alarms(*, now=None) -> list[tuple[int, str]]:
    """Alarm the data-protection role at 24, 48 and 66 hours and when overdue, once each."""
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail

    from customers.roles import Role

    now = now or timezone.now()
    recipients = list(
        get_user_model()
        .objects.filter(groups__name=Role.DPO.value, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
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
            send_mail(
                f"[privacysite] incident #{incident.pk}: {alarm}",
                f"Incident #{incident.pk} detected {incident.detected_at:%Y-%m-%d %H:%M} UTC;"
                f" the authority must be notified by "
                f"{incident_deadline(incident):%Y-%m-%d %H:%M} UTC.\n",
                None,
                recipients,
            )
        Incident.objects.filter(pk=incident.pk).update(alarms_sent=[*incident.alarms_sent, *new])
        raised.append((incident.pk, alarm))
    return raised


def form_08(incident: Incident) -> str:
    """The notice to the authority with the content Decree 356 Art 28 / Form 08 asks for."""
    return render_to_string(
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


def incident_notify_customers(*, incident: Incident, batch: int = 200) -> int:
    """Queue the message to every affected customer, in batches (each send recorded)."""
    from customers import tasks

    ids = list(
        Customer.objects.filter(pk__in=incident.customer_ids)
        .exclude(status=Customer.Status.ERASED)
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        transaction.on_commit(
            lambda chunk=chunk: tasks.incident_message_batch.delay(incident.pk, chunk)
        )
    return len(ids)


def incident_message_batch(*, incident_id: int, customer_ids) -> int:
    from customers.models import Message
    from customers.services.messages import message_queue

    incident = Incident.objects.get(pk=incident_id)
    sent = 0
    already = set(
        Message.objects.filter(
            customer_id__in=customer_ids, purpose="incident", template="incident_notice"
        ).values_list("customer_id", flat=True)
    )
    for customer in Customer.objects.filter(pk__in=customer_ids).exclude(pk__in=already):
        message_queue(
            customer=customer,
            purpose="incident",
            template="incident_notice",
            context={
                "detected": timezone.localtime(incident.detected_at).strftime("%d/%m/%Y"),
                "categories": incident.data_categories,
                "measures": incident.measures,
            },
        )
        sent += 1
    return sent
