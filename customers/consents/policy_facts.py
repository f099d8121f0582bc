"""The facts the privacy policy states, drawn from the company profile and the registers.

``policy_facts()`` reads them as plain JSON values: who collects and who the DPO is, where
data is hosted, the channels, the active purposes, the recipients in use (by name and
country), the retention rules, which role sees which customer field, the request deadlines
and contacts, the cookie categories. The page writes its generated statements from them
(``customers.consents.policy_text``); a published version keeps the copy it was published with
(``PolicyVersion.facts``), so that a later change of a register that makes it false is found
(``policy_drift``) and the company's own paragraphs are checked against them
(``contradictions``).
"""

from django.conf import settings
from django.utils.translation import gettext as _

from customers.consents.models import CookieCategory, Purpose
from customers.core.company import company_profile
from customers.core.masking import field_table
from customers.models import Recipient, RetentionRule

INCIDENT_NOTICE_HOURS = 72  # customers.incidents.services.DEADLINE


def _company(company) -> dict:
    return {
        "name": company.name,
        "address": company.address,
        "email": company.email,
        "phone": company.phone,
        "tax_code": company.tax_code,
        "website": company.website,
        "type": company.company_type,
        "representative": company.legal_representative,
        "representative_title": company.legal_representative_title,
    }


def _dpo(company) -> dict:
    return {
        "name": company.dpo_name or settings.DPO.get("name", ""),
        "person": company.dpo_person,
        "title": company.dpo_title,
        "email": company.dpo_email or settings.DPO.get("email", ""),
        "phone": company.dpo_phone or settings.DPO.get("phone", ""),
        "appointment_ref": company.dpo_appointment_ref,
        "appointment_date": (
            company.dpo_appointment_date.strftime("%d/%m/%Y")
            if company.dpo_appointment_date
            else ""
        ),
    }


def recipients_in_use():
    return (
        Recipient.objects.filter(active=True, ended_on__isnull=True)
        .exclude(kind=Recipient.Kind.AUTHORITY)
        .order_by("kind", "name")
    )


def policy_facts() -> dict:
    company = company_profile()
    email, phone = company.requests_contact()
    return {
        "company": _company(company),
        "dpo": _dpo(company),
        "hosting": {"location": company.hosting_location, "abroad": company.hosted_abroad},
        "channels": list(company.collection_channels or []),
        "purposes": [
            {
                "code": p.code,
                "name_vi": p.name_vi,
                "name_en": p.name_en,
                "basis": p.legal_basis,
                "optional": p.optional,
            }
            for p in Purpose.objects.filter(active=True).order_by("order", "id")
        ],
        "partners_allowed": company.partners_allowed,
        # A new version takes effect this many days after its notice (policy_publish).
        "notice_days": settings.POLICY_CHANGE_NOTICE_DAYS,
        "recipients": [
            {
                "name": r.name,
                "kind": r.kind,
                "abroad": r.hosted_in == Recipient.Hosting.ABROAD,
                "country": r.country,
                "purpose": r.purpose,
                "data": r.data_categories,
                "purpose_en": r.purpose_en,
                "data_en": r.data_categories_en,
            }
            for r in recipients_in_use()
        ],
        "retention": [
            {
                "category": r.category,
                "months": r.period_months,
                "anchor": r.anchor,
                "action": r.action,
                "notice_days": r.notice_days,
            }
            for r in RetentionRule.objects.order_by("category")
        ],
        "access": field_table(),
        "requests": {
            "email": email,
            "phone": phone,
            "other": company.complaints_contact,
            "acknowledge_working_days": settings.REQUEST_ACKNOWLEDGE_WORKING_DAYS,
            "deadlines": {k: v["days"] for k, v in settings.REQUEST_DEADLINES.items()},
        },
        "cookies": [
            {"code": c.code, "name_vi": c.name_vi, "name_en": c.name_en, "required": c.required}
            for c in CookieCategory.objects.order_by("order", "id")
        ],
        "breach_hours": INCIDENT_NOTICE_HOURS,
    }


def transfers_abroad(facts: dict) -> list[str]:
    """Who holds data outside Viet Nam: the recipients abroad, and our own hosting."""
    names = [r["name"] for r in facts.get("recipients", []) if r.get("abroad")]
    if facts.get("hosting", {}).get("abroad"):
        names.insert(0, facts["hosting"]["location"])
    return names


def missing_facts(facts: dict) -> list[str]:
    """What the page cannot state truthfully yet; publishing waits for these."""
    missing = []
    if not facts["company"]["name"] or not facts["company"]["address"]:
        missing.append(_("the company's name and address (company profile)"))
    if not facts["dpo"]["name"] or not (facts["dpo"]["email"] or facts["dpo"]["phone"]):
        missing.append(_("the data-protection officer and a way to reach them (company profile)"))
    if not (facts["requests"]["email"] or facts["requests"]["phone"]):
        missing.append(_("an email or phone for requests and complaints (company profile)"))
    for r in facts["recipients"]:
        if r["abroad"] and not r["country"]:
            missing.append(_("the country of %(name)s (recipients)") % {"name": r["name"]})
        if r["kind"] == Recipient.Kind.PARTNER and not facts["partners_allowed"]:
            missing.append(_("%(name)s is a partner, which the policy rules out") % r)
    return missing


def _months(value):
    return float("inf") if value is None else value


def policy_drift(published: dict, now: dict) -> list[str]:
    """What the registers say now that the published facts do not cover: a new recipient
    abroad, a new partner, a role seeing a field it did not, a shorter retention period, our
    hosting moved abroad. Empty when the published page is still true."""
    if not published:
        return []
    found = []
    before = {r["name"]: r for r in published.get("recipients", [])}
    for r in now["recipients"]:
        old = before.get(r["name"])
        if r["abroad"] and not (old and old["abroad"]):
            found.append(
                _("%(name)s receives data abroad (%(country)s)")
                % {"name": r["name"], "country": r["country"] or _("country not given")}
            )
        if r["kind"] == Recipient.Kind.PARTNER and not (old and old["kind"] == r["kind"]):
            found.append(_("%(name)s is a new partner") % {"name": r["name"]})
    if now["hosting"]["abroad"] and not published.get("hosting", {}).get("abroad"):
        found.append(_("our systems are now hosted abroad"))
    for role, fields in now["access"].items():
        was = published.get("access", {}).get(role, {})
        was_seen = set(was.get("visible", [])) | set(was.get("revealable", []))
        new = (set(fields["visible"]) | set(fields["revealable"])) - was_seen
        if new:
            found.append(
                _("the role %(role)s now sees %(fields)s")
                % {"role": role, "fields": ", ".join(sorted(new))}
            )
    old_rules = {r["category"]: r for r in published.get("retention", [])}
    for rule in now["retention"]:
        old = old_rules.get(rule["category"])
        if old and _months(rule["months"]) < _months(old["months"]):
            found.append(
                _("the retention of %(category)s is shorter than published")
                % {"category": RetentionRule.Category(rule["category"]).label}
            )
    return found


# What the company's own paragraphs may not say while the registers say otherwise: each
# phrase, lower-case, in Vietnamese and English. A generated statement cannot be contradicted.
NO_TRANSFER = (
    "không chuyển dữ liệu ra nước ngoài",
    "không chuyển giao dữ liệu ra nước ngoài",
    "chỉ lưu trữ tại việt nam",
    "do not transfer it abroad",
    "do not transfer data abroad",
    "never transfer",
    "stored only in viet nam",
)
NO_SHARING = (
    "không chia sẻ với bất kỳ bên thứ ba nào",
    "không chia sẻ, bán, cho thuê thông tin khách hàng với bất kỳ bên thứ ba nào",
    "with no third party",
    "never share your data with any third party",
)


def contradictions(paragraphs: list[str], facts: dict) -> list[str]:
    """The company's own words that a generated statement contradicts."""
    text = " ".join(paragraphs).lower()
    found = []
    if transfers_abroad(facts):
        found += [
            _("“%(words)s”: but %(names)s hold data abroad")
            % {"words": phrase, "names": ", ".join(transfers_abroad(facts))}
            for phrase in NO_TRANSFER
            if phrase in text
        ]
    partners = [r["name"] for r in facts["recipients"] if r["kind"] == Recipient.Kind.PARTNER]
    if partners:
        found += [
            _("“%(words)s”: but partners receive data with consent (%(names)s)")
            % {"words": phrase, "names": ", ".join(partners)}
            for phrase in NO_SHARING
            if phrase in text
        ]
    return found


def own_paragraphs(version) -> list[str]:
    return [text for s in version.sections.all() for text in (s.body_vi, s.body_en) if text]


def policy_warnings() -> list[str]:
    """Why the published policy is no longer true to the registers, if it is not: for the
    DPO's dashboard and the system check. The remedy is a new version (with its notice)."""
    from customers.consents.models import PolicyVersion

    version = (
        PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )
    if version is None:
        return []
    now = policy_facts()
    found = policy_drift(version.facts, now) + contradictions(own_paragraphs(version), now)
    if not version.facts:
        found.append(_("it was published before the policy's statements were generated"))
    return [
        _("Privacy policy v%(number)s is no longer true: %(why)s. Publish a new version.")
        % {"number": version.number, "why": why}
        for why in found
    ]
