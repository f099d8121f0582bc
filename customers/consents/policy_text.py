"""The policy page's generated statements, written in the current language from the facts
(``customers.consents.policy_facts``): one list of sentences per section. Nothing here reads
the database; the same facts give the same page, today or in ten years."""

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from customers.consents.models import PolicySection
from customers.consents.retention_text import retention_lines
from customers.core.folding import fold
from customers.core.labels import field_label
from customers.core.roles import Role
from customers.models import CompanyProfile, DataRequest, Recipient, RetentionRule
from customers.models.company import Channel

K = PolicySection.Key
# The order of the page; the first six are the headings of Decree 52/2013 Art 69.
ORDER = [
    K.CONTROLLER,
    K.PURPOSE_SCOPE,
    K.SCOPE_OF_USE,
    K.RECIPIENTS,
    K.ABROAD,
    K.RETENTION,
    K.ACCESS,
    K.COLLECTOR,
    K.RIGHTS,
    K.COMPLAINTS,
    K.COOKIES,
    K.SENSITIVE,
    K.SECURITY,
    K.BREACH,
    K.EXTERNAL_LINKS,
    K.CHANGES,
]


def _en() -> bool:
    return get_language() == "en"


def _name(item: dict) -> str:
    return item["name_en"] if _en() and item.get("name_en") else item["name_vi"]


def _channel_label(code: str) -> str:
    return str(Channel(code).label) if code in Channel.values else code


def controller(f: dict) -> list[str]:
    c, d = f["company"], f["dpo"]
    kind = dict(CompanyProfile.CompanyType.choices).get(c.get("type"), "")
    lines = [
        _(
            "%(name)s (%(kind)s, tax code %(tax_code)s) decides why and how your personal data "
            "is processed: it is the controller under Law 91/2025/QH15 on Personal Data "
            "Protection and Decree 356/2025/ND-CP."
        )
        % {"name": c["name"], "kind": kind, "tax_code": c["tax_code"] or "-"}
    ]
    if c.get("representative"):
        lines.append(
            _("Legal representative: %(person)s, %(title)s.")
            % {"person": c["representative"], "title": c["representative_title"] or "-"}
        )
    person = f" ({d['person']})" if d.get("person") else ""
    lines.append(
        _("Data-protection officer: %(dpo)s%(person)s. Email: %(email)s. Phone: %(phone)s.")
        % {
            "dpo": d["name"],
            "person": person,
            "email": d["email"] or "-",
            "phone": d["phone"] or "-",
        }
    )
    if d.get("appointment_ref"):
        lines.append(
            _("Appointed by decision %(ref)s of %(date)s.")
            % {"ref": d["appointment_ref"], "date": d["appointment_date"] or "-"}
        )
    return lines


def collector(f: dict) -> list[str]:
    c = f["company"]
    line = _("%(name)s, %(address)s. Email: %(email)s. Phone: %(phone)s. Tax code: %(tax)s.") % {
        "name": c["name"],
        "address": c["address"],
        "email": c["email"],
        "phone": c["phone"],
        "tax": c["tax_code"],
    }
    return [line + (f" {c['website']}" if c.get("website") else "")]


def purpose_scope(f: dict) -> list[str]:
    channels = "; ".join(_channel_label(c) for c in f["channels"]) or "-"
    return [_("We collect personal data only through: %(channels)s.") % {"channels": channels}]


def scope_of_use(f: dict) -> list[str]:
    lines = []
    for p in f["purposes"]:
        if p["basis"] == "consent":
            text = _("%(name)s: only with your consent, given for this purpose alone.")
        elif p["basis"] == "legal_obligation":
            text = _("%(name)s: required by law.")
        else:
            text = _("%(name)s: needed to perform our contract with you.")
        lines.append(text % {"name": _name(p)})
    lines.append(_("We use your data for nothing else. You can withdraw a consent at any time."))
    if not f["partners_allowed"]:
        lines.append(_("We share your data with no partner, and no consent can allow it."))
    return lines


def _country(r: dict) -> str:
    if fold(r["country"] or "") == "viet nam":
        return _("Viet Nam")  # as the reader's language writes it
    return r["country"] or (_("abroad") if r["abroad"] else _("Viet Nam"))


def recipients(f: dict) -> list[str]:
    lines = []
    for r in f["recipients"]:
        english = (get_language() or "").startswith("en")
        values = {
            "name": r["name"],
            "country": _country(r),
            "purpose": english and r.get("purpose_en") or r["purpose"],
            "data": english and r.get("data_en") or r["data"],
        }
        if r["kind"] == Recipient.Kind.PARTNER:
            text = _(
                "%(name)s (%(country)s), a partner: receives %(data)s only of customers who "
                "agreed to sharing with partners, for: %(purpose)s."
            )
        else:
            text = _(
                "%(name)s (%(country)s) processes data on our behalf under a written agreement: "
                "%(data)s, for: %(purpose)s."
            )
        lines.append(text % values)
    if not lines:
        lines.append(_("No other organisation receives your data."))
    lines.append(
        _(
            "Authorities receive data only when the law requires it, on a written request; we "
            "tell you unless the law forbids it. We never sell your data."
        )
    )
    return lines


def abroad(f: dict) -> list[str]:
    hosting = f["hosting"]
    lines = [
        _("Our systems and backups are hosted at: %(where)s.") % {"where": hosting["location"]}
    ]
    away = [f"{r['name']} ({_country(r)})" for r in f["recipients"] if r["abroad"]]
    if hosting["abroad"]:
        away.insert(0, hosting["location"])
    if away:
        lines.append(
            _(
                "Your data is transferred outside Viet Nam to: %(list)s. For each transfer we "
                "keep a transfer impact assessment, as Law 91/2025 requires."
            )
            % {"list": "; ".join(away)}
        )
    else:
        lines.append(_("We do not transfer your data outside Viet Nam."))
    return lines


def retention(f: dict) -> list[str]:
    rules = [
        RetentionRule(
            category=r["category"],
            period_months=r["months"],
            anchor=r["anchor"],
            action=r["action"],
            notice_days=r["notice_days"],
        )
        for r in f["retention"]
    ]
    return retention_lines(rules)


def _fields(names: list[str]) -> str:
    return ", ".join(field_label(n) for n in names)


def access(f: dict) -> list[str]:
    lines = [_("Inside the company, each role sees only these fields of your data:")]
    for role in Role:
        fields = f["access"].get(str(role), {"visible": [], "revealable": []})
        if fields["visible"]:
            text = _("%(role)s: %(fields)s.") % {
                "role": role.label,
                "fields": _fields(fields["visible"]),
            }
        else:
            text = _("%(role)s: none of your personal data.") % {"role": role.label}
        if fields["revealable"]:
            text += " " + _("May reveal, one at a time and with a recorded reason: %(fields)s.") % {
                "fields": _fields(fields["revealable"])
            }
        lines.append(text)
    lines.append(
        _(
            "System administrators (superusers) can see every field; every look at your data, "
            "by anyone, is recorded in a log that cannot be altered unnoticed. Every staff "
            "member signs a confidentiality agreement."
        )
    )
    return lines


def rights(f: dict) -> list[str]:
    req = f["requests"]
    kinds = dict(DataRequest.Kind.choices)
    deadlines = "; ".join(
        _("%(kind)s: %(days)s days") % {"kind": kinds[k], "days": days}
        for k, days in req["deadlines"].items()
        if k in kinds and k != "other"
    )
    return [
        _(
            "On the “My data” page, by email to %(email)s or by phone on %(phone)s you can see "
            "and copy your data, have it corrected or deleted, withdraw a consent, and object "
            "to or restrict its processing."
        )
        % {"email": req["email"] or "-", "phone": req["phone"] or "-"},
        _(
            "We confirm every request within %(ack)s working days and carry it out within: "
            "%(deadlines)s."
        )
        % {"ack": req["acknowledge_working_days"], "deadlines": deadlines},
    ]


def complaints(f: dict) -> list[str]:
    req = f["requests"]
    lines = [
        _(
            "Complaints go to our data-protection officer: by email to %(email)s, by phone on "
            "%(phone)s or on the “My data” page; each gets a reference number and a written "
            "answer within %(days)s days."
        )
        % {
            "email": req["email"] or "-",
            "phone": req["phone"] or "-",
            "days": req["deadlines"].get("complaint", 15),
        }
    ]
    if req.get("other"):
        lines.append(req["other"])
    return lines


def cookies(f: dict) -> list[str]:
    names = ", ".join(_name(c) for c in f["cookies"]) or "-"
    return [
        _("This website uses these cookie categories: %(names)s.") % {"names": names},
        _(
            "Only the necessary ones are set without asking; the others only if you accept them "
            "in the cookie settings, where you can change your choice at any time. Visiting the "
            "website is not consent."
        ),
    ]


def security(f: dict) -> list[str]:
    return [
        _(
            "Contact details, addresses and notes are encrypted in the database; staff sign in "
            "with a password and a second factor; each role sees only the fields listed above; "
            "every look at your data is logged."
        )
    ]


def breach(f: dict) -> list[str]:
    return [
        _(
            "If your data is lost, leaked or accessed without authority, we notify the "
            "personal-data protection authority of the Ministry of Public Security within "
            "%(hours)s hours of finding it, and tell the customers affected what happened, what "
            "it means for them and what to do."
        )
        % {"hours": f["breach_hours"]}
    ]


def changes(f: dict) -> list[str]:
    if f.get("notice_days"):  # versions published since the notice period exists
        return [
            _(
                "Each new version of this policy is published on this page with what changed, "
                "and sent to you by email (or SMS) at least %(days)s days before it takes "
                "effect; past versions stay readable. A new purpose that needs consent is used "
                "only once you agree to it."
            )
            % {"days": f["notice_days"]}
        ]
    return [
        _(
            "Each new version of this policy is published on this page with what changed; past "
            "versions stay readable. A new purpose that needs consent is used only once you "
            "agree to it."
        )
    ]


WRITERS = {
    K.CONTROLLER: controller,
    K.COLLECTOR: collector,
    K.PURPOSE_SCOPE: purpose_scope,
    K.SCOPE_OF_USE: scope_of_use,
    K.RECIPIENTS: recipients,
    K.ABROAD: abroad,
    K.RETENTION: retention,
    K.ACCESS: access,
    K.RIGHTS: rights,
    K.COMPLAINTS: complaints,
    K.COOKIES: cookies,
    K.SECURITY: security,
    K.BREACH: breach,
    K.CHANGES: changes,
}


def policy_page(facts: dict | None, sections) -> list[dict]:
    """The page's sections in order: the generated statements (none for a version published
    before they existed) and the company's own paragraph."""
    own = {s.key: s for s in sections}
    page = []
    for key in ORDER + [k for k in own if k not in ORDER]:
        lines = WRITERS[key](facts) if facts and key in WRITERS else []
        section = own.get(key)
        body = section.body() if section else ""
        if lines or body:
            page.append({"key": key, "title": K(key).label, "lines": lines, "body": body})
    return page
