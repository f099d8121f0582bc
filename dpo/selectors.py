"""Reads for the dossiers: every fact is drawn from the live data, as plain JSON values, so
that a version keeps exactly what it showed and the next one can say what changed."""

import datetime

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from customers.consents.models import ConsentState, Purpose
from customers.core.company import company_profile
from customers.core.personal_data import REGISTRY, SENSITIVE
from customers.core.roles import PERMISSIONS, Role
from customers.models import (
    AuditChainHead,
    Customer,
    DataRequest,
    Incident,
    Recipient,
    RetentionRule,
)
from customers.staff.people import staff_name
from dpo.models import ComplianceProfile, DossierVersion, RiskAssessment
from privacysite.display import when

PERIOD_DAYS = 365


class MissingFact(Exception):
    """Something a dossier needs is not set; the message says what and where to set it."""


def profile() -> ComplianceProfile:
    return ComplianceProfile.objects.get_or_create(pk=1)[0]


def dpo_contact(prof: ComplianceProfile | None = None) -> dict:
    """The DPO as the company profile names them (customers.CompanyProfile), with the
    provider from the compliance profile."""
    prof = prof or profile()
    company = company_profile()
    contact = {
        "name": company.dpo_name or settings.DPO.get("name", ""),
        "title": company.dpo_title or settings.DPO.get("title", ""),
        "email": company.dpo_email or settings.DPO.get("email", ""),
        "phone": company.dpo_phone or settings.DPO.get("phone", ""),
        "person": company.dpo_person,
        "appointment_ref": company.dpo_appointment_ref,
        "appointment_date": _day(company.dpo_appointment_date),
        "provider": prof.dpo_provider,
    }
    if not contact["name"] or not (contact["email"] or contact["phone"]):
        raise MissingFact(
            "Chưa có thông tin liên hệ của người/bộ phận bảo vệ dữ liệu cá nhân: điền tên và "
            "email hoặc điện thoại trong trang quản trị, mục Hồ sơ công ty. "
            "(No data-protection officer contact is set.)"
        )
    return contact


def _day(value) -> str:
    """A date as people read it (dd/mm/yyyy); the facts keep what the dossier printed."""
    return value.strftime("%d/%m/%Y") if value else ""


def organisation() -> dict:
    """The company as the company profile declares it (customers.CompanyProfile)."""
    company = company_profile()
    org = {
        "name": company.name,
        "address": company.address,
        "tax_code": company.tax_code,
        "phone": company.phone,
        "email": company.email,
        "website": company.website,
        "company_type": str(company.get_company_type_display()),
        "business_lines": company.business_line_list(),
        "legal_representative": company.legal_representative,
        "legal_representative_title": company.legal_representative_title,
    }
    if not org["name"] or not org["address"]:
        raise MissingFact(
            "Chưa có tên và địa chỉ của tổ chức: điền trong trang quản trị, mục Hồ sơ công ty. "
            "(The organisation's name and address are not set.)"
        )
    return org


def personal_fields() -> list[dict]:
    """The registry, model by model, with each field's class and protection."""
    rows = []
    for label, fields in REGISTRY.items():
        for field in fields:
            rows.append(
                {
                    "store": label,
                    "field": field.name,
                    "label": str(field.label),
                    "sensitive": field.data_class == SENSITIVE,
                    "encrypted": field.encrypted,
                    "searchable": bool(field.blind_index),
                }
            )
    return rows


# Marketing on one channel uses only the name and that channel's contact fields; the other
# purposes use the customer record as the registry declares it.
CHANNEL_FIELDS = {
    "email": {"full_name", "email"},
    "sms": {"full_name", "phone_mobile"},
    "phone": {"full_name", "phone_mobile", "phone_home", "phone_office"},
}


def _purpose_data(purpose: Purpose) -> list[str]:
    wanted = CHANNEL_FIELDS.get(purpose.channel) if purpose.is_marketing else None
    return [
        str(f.label) for f in REGISTRY["customers.Customer"] if wanted is None or f.name in wanted
    ]


def recipients() -> list[dict]:
    return [
        {
            "id": r.pk,
            "name": r.name,
            "kind": r.kind,
            "kind_label": str(r.get_kind_display()),
            "purpose": r.purpose,
            "data": r.data_categories,
            "abroad": r.hosted_in == Recipient.Hosting.ABROAD,
            "hosted_label": str(r.get_hosted_in_display()),
            "country": r.country,
            "address": r.address,
            "contact": r.contact,
            "purpose_codes": sorted(p.code for p in r.purposes.all()),
            "agreement_date": _day(r.agreement_date),
            "confidentiality": r.confidentiality_commitment,
        }
        for r in Recipient.objects.filter(ended_on__isnull=True)
        .prefetch_related("purposes")
        .order_by("name")
    ]


def purposes(recipient_rows: list[dict]) -> list[dict]:
    granted = dict(
        ConsentState.objects.filter(granted=True)
        .values("purpose")
        .annotate(n=Count("id"))
        .values_list("purpose", "n")
    )
    rows = []
    for p in Purpose.objects.filter(active=True).order_by("order", "id"):
        rows.append(
            {
                "code": p.code,
                "name": p.name_vi,
                "name_en": p.name_en,
                "basis": p.legal_basis,
                "basis_label": str(p.get_legal_basis_display()),
                "optional": p.optional,
                "wording": p.description_vi,
                "wording_hash": p.wording_hash[:12],
                "granted_now": granted.get(p.pk, 0) if p.optional else None,
                "data": _purpose_data(p),
                # Each recipient under the purposes the register says it serves.
                "recipients": [r["name"] for r in recipient_rows if p.code in r["purpose_codes"]],
            }
        )
    return rows


def retention_rules() -> list[dict]:
    return [
        {
            "category": r.category,
            "label": str(r.get_category_display()),
            "months": r.period_months,
            "anchor": str(r.get_anchor_display()),
            "action": str(r.get_action_display()),
            "basis": r.legal_basis,
            "notice_days": r.notice_days,
        }
        for r in RetentionRule.objects.order_by("category")
    ]


def roles() -> list[dict]:
    user_model = get_user_model()
    counts = dict(
        user_model.objects.filter(is_active=True, is_staff=True)
        .values("groups__name")
        .annotate(n=Count("id"))
        .values_list("groups__name", "n")
    )
    return [
        {
            "code": role.value,
            "label": str(role.label),
            "staff": counts.get(role.value, 0),
            "models": _viewable(PERMISSIONS[role]),
        }
        for role in Role
    ]


def _viewable(permissions: dict) -> list[str]:
    """The (translated) names of what a role may see: its ``view_`` permissions."""
    names = []
    for app_label, codenames in permissions.items():
        for codename in codenames:
            if codename.startswith("view_"):
                try:
                    model = apps.get_model(app_label, codename.removeprefix("view_"))
                except LookupError:
                    continue
                names.append(str(model._meta.verbose_name_plural))
    return sorted(set(names))


def security_measures() -> dict:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    staff = get_user_model().objects.filter(is_active=True, is_staff=True)
    head = AuditChainHead.objects.filter(pk=1).first()
    encrypted = [f for f in personal_fields() if f["encrypted"]]
    return {
        "encrypted_fields": len(encrypted),
        "personal_fields": len(personal_fields()),
        "searchable_fields": sum(1 for f in encrypted if f["searchable"]),
        "encryption_keys": len(settings.FIELD_ENCRYPTION_KEYS),
        "staff": staff.count(),
        "staff_with_2fa": TOTPDevice.objects.filter(confirmed=True, user__in=staff)
        .values("user")
        .distinct()
        .count(),
        "chain_head": head.seq if head else 0,
        "chain_updated": when(head.updated_at) if head else "",
        "backup_days": backup_keep_days(),
        "tls_redirect": bool(getattr(settings, "SECURE_SSL_REDIRECT", False)),
        "hsts_seconds": int(getattr(settings, "SECURE_HSTS_SECONDS", 0) or 0),
        "secure_cookies": bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
    }


# The nightly dump and its expiry as shipped (docs/operations.md, "Backups and restore").
def backup_keep_days() -> int:
    """How long each backup is kept (scripts/backup.sh prunes by BACKUP_KEEP_DAYS)."""
    return settings.BACKUP_KEEP_DAYS


def compliance_results(*, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=PERIOD_DAYS)
    requests = DataRequest.objects.filter(received_at__date__gte=since)
    answered = requests.filter(closed_at__isnull=False)
    late = answered.filter(
        Q(extended_until__isnull=True, closed_at__date__gt=F("due_on"))
        | Q(extended_until__isnull=False, closed_at__date__gt=F("extended_until"))
    ).count()
    overdue = [r for r in requests.filter(status__in=DataRequest.OPEN) if r.is_overdue]
    incidents = []
    for inc in Incident.objects.filter(detected_at__date__gte=since).order_by("detected_at"):
        hours = None
        if inc.authority_notified_at:
            hours = round((inc.authority_notified_at - inc.detected_at).total_seconds() / 3600, 1)
        incidents.append(
            {
                "id": inc.pk,
                "detected": timezone.localtime(inc.detected_at).strftime("%d/%m/%Y %H:%M"),
                "status": str(inc.get_status_display()),
                "volume": inc.volume,
                "notice_hours": hours,
                "harm_possible": inc.harm_possible,
            }
        )
    return {
        "since": since.strftime("%d/%m/%Y"),
        "until": today.strftime("%d/%m/%Y"),
        "requests": requests.count(),
        "answered": answered.count(),
        "answered_late": late,
        "answered_on_time": answered.count() - late,
        "open_overdue": len(overdue),
        "incidents": incidents,
    }


def risk_assessment() -> dict | None:
    signed = RiskAssessment.objects.filter(signed_at__isnull=False).order_by("-signed_at").first()
    if not signed:
        return None
    return {
        "id": signed.pk,
        "text": signed.text,
        "signed_by": staff_name(signed.signed_by),
        "signed_at": timezone.localtime(signed.signed_at).strftime("%d/%m/%Y"),
    }


def subjects_ever_processed(prof: ComplianceProfile | None = None) -> int:
    """Customer ids are never reused: the highest one counts everyone ever recorded."""
    prof = prof or profile()
    top = Customer.objects.aggregate(top=Max("id"))["top"] or 0
    return max(prof.subjects_counted, top)


def customers_summary() -> dict:
    by_status = dict(
        Customer.objects.values("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return {
        "active": by_status.get(Customer.Status.ACTIVE, 0),
        "restricted": by_status.get(Customer.Status.RESTRICTED, 0),
        "erased": by_status.get(Customer.Status.ERASED, 0),
    }


def last_filed(kind: str) -> DossierVersion | None:
    return (
        DossierVersion.objects.filter(kind=kind, status=DossierVersion.Status.FILED)
        .order_by("-filed_on", "-number")
        .first()
    )
