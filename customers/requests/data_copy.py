"""Everything held about one customer, decrypted, for their copy (Law 91 Art 4(1)(d)).

The number of queries does not grow with the number of rows: one query per kind of record.
"""

import json

from django.utils import timezone

from customers.audit.services import access_log_for_customer
from customers.consents.models import ConsentEvent, ConsentState
from customers.consents.records import SCHEMA_VERSION, consent_record_fields
from customers.core.personal_data import CUSTOMER_FIELDS
from customers.models import (
    AccountingDocument,
    Customer,
    DataRequest,
    Message,
    Service,
    Submission,
    Warranty,
)
from customers.requests import staff_access
from privacysite.display import day, when


def _when(value):
    return timezone.localtime(value).isoformat() if value else None


def _shown(value):
    """The same moment for a person to read (the ISO form above is for machines)."""
    return when(value) if value else ""


def customer_copy(customer: Customer) -> dict:
    now = timezone.now()
    profile = {f.name: getattr(customer, f.name) for f in CUSTOMER_FIELDS}
    profile.update(
        kind=customer.kind,
        source=customer.source,
        status=customer.status,
        preferred_language=customer.preferred_language,
        created_at=_when(customer.created_at),
        last_activity_at=_when(customer.last_activity_at),
        contact_confirmed_at=_when(customer.contact_confirmed_at),
    )
    services = [
        {
            "product": s.product,
            "started_on": s.started_on.isoformat(),
            "ends_on": s.ends_on.isoformat() if s.ends_on else None,
            "started_display": day(s.started_on),
            "ends_display": day(s.ends_on) if s.ends_on else "…",
            "status": s.status,
            "status_display": s.get_status_display(),
            "notes": s.notes,
        }
        for s in Service.objects.filter(customer=customer).order_by("started_on")
    ]
    warranties = [
        {
            "item": w.item,
            "installed_on": w.installed_on.isoformat(),
            "warranty_until": w.warranty_until.isoformat(),
            "warranty_display": day(w.warranty_until),
        }
        for w in Warranty.objects.filter(customer=customer).order_by("installed_on")
    ]
    submissions = [
        {
            "form": s.form,
            "form_display": s.get_form_display(),
            "at_display": _shown(s.received_at),
            "received_at": _when(s.received_at),
            "ip_address": s.ip_address,
            "policy_version": s.policy_version.number if s.policy_version else None,
            "data": json.loads(s.data or "{}"),
        }
        for s in Submission.objects.filter(customer=customer)
        .select_related("policy_version")
        .order_by("received_at")
    ]
    consent_events = [
        {
            # The record under the element names of ISO/IEC TS 27560, then the older keys.
            **consent_record_fields(e),
            "purpose": e.purpose.code,
            "purpose_name": e.purpose.name(),
            "action": e.action,
            "action_display": e.get_action_display(),
            "at_display": _shown(e.created_at),
            "channel_display": e.get_channel_display(),
            "wording": e.wording,
            "policy_version": e.policy_version.number,
            "channel": e.channel,
            "at": _when(e.created_at),
        }
        for e in ConsentEvent.objects.filter(customer=customer)
        .select_related("purpose", "policy_version")
        .order_by("created_at", "id")
    ]
    consents_now = {
        s.purpose.code: s.granted
        for s in ConsentState.objects.filter(customer=customer).select_related("purpose")
    }
    documents = [
        {
            "kind": d.kind,
            "kind_display": d.get_kind_display(),
            "issued_display": day(d.issued_on),
            "number": d.number,
            "issued_on": d.issued_on.isoformat(),
            "amount": str(d.amount),
            "buyer_name": d.buyer_name,
            "buyer_tax_code": d.buyer_tax_code,
            "buyer_address": d.buyer_address,
            "retention_class": d.retention_class,
        }
        for d in AccountingDocument.objects.filter(customer=customer).order_by("issued_on")
    ]
    messages = [
        {
            "purpose": m.purpose,
            "channel": m.channel,
            "status": m.status,
            "status_display": m.get_status_display(),
            "at_display": _shown(m.created_at),
            "subject": m.subject,
            "created_at": _when(m.created_at),
            "sent_at": _when(m.sent_at),
        }
        for m in Message.objects.filter(customer=customer)
        .order_by("created_at")
        .only("purpose", "channel", "status", "subject", "created_at", "sent_at")
    ]
    requests = [
        {
            "reference": r.reference,
            "kind": r.kind,
            "status": r.status,
            "received_at": _when(r.received_at),
            "deadline": r.deadline.isoformat(),
            "answer_reason": r.answer_reason,
            "answer_remedy": r.answer_remedy,
        }
        for r in DataRequest.objects.filter(customer=customer).order_by("received_at")
    ]
    looks = list(
        access_log_for_customer(customer)
        .exclude(actor__isnull=True)
        .select_related("actor")
        .prefetch_related("actor__groups")
        .order_by("at")
    )
    access = [
        {
            "at": _when(e.at),
            "at_display": _shown(e.at),
            "role": staff_access.role_label(staff_access.staff_role(e.actor)),
            "action": e.action,
            "action_display": e.get_action_display(),
            "fields": e.fields,
        }
        for e in looks
    ]
    return {
        "generated_at": _when(now),
        "generated_display": _shown(now),
        "profile": profile,
        "services": services,
        "warranties": warranties,
        "submissions": submissions,
        "consents_now": consents_now,
        "consent_history": consent_events,
        "consent_record_schema": SCHEMA_VERSION,
        "accounting_documents": documents,
        "messages": messages,
        "requests": requests,
        "staff_access": access,
        "staff_access_by_day": staff_access.grouped(looks),
    }
