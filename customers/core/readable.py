"""Stored summaries as people read them (issue 33): the counts a retention run or an erasure
certificate keeps as JSON, a web form as received, an API client's scopes, each line a label
in the reader's language and a value (numbers grouped, dates as dd/mm/yyyy in Vietnam time).
Only a web form's consents are looked up (the purposes' names), once per form."""

import datetime
import json

from django.apps import apps
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customers.core.labels import field_label
from customers.core.selectors import model
from privacysite.display import number

# The keys of the summaries the system writes (retention runs, erasure certificates).
KEYS = {
    "planned": _("Planned"),
    "done": _("Done"),
    "pending": _("Batches still running"),
    "customer_notice": _("Customers to be told before erasure"),
    "customer_erase": _("Customers to be erased"),
    "documents_past_period": _("Accounting documents past their period"),
    "notified": _("Customers told"),
    "notice_calls": _("Calls to make (no email or mobile)"),
    "notice_withheld_blocked": _("Notices held back (erasure blocked)"),
    "erased": _("Customers erased"),
    "destruction_list": _("Destruction list proposed"),
    "submissions": _("Web forms as received"),
    "pending_changes": _("Changes waiting for confirmation"),
    "messages": _("Messages"),
    "change_history": _("Change history"),
    "warranties": _("Warranties"),
    "consent_evidence": _("Consent evidence made anonymous"),
    "consent_states": _("Consents"),
    "what": _("Document"),
    "why": _("Why it is kept"),
    "until": _("Kept until"),
}


def key_label(key: str) -> str:
    if key in KEYS:
        return str(KEYS[key])
    categories = model("RetentionRule").Category
    if key in categories.values:
        return str(categories(key).label)
    return field_label(key)


def value_text(value) -> str:
    """One value in words: yes/no, grouped numbers, dates in the people's format."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, int):
        return number(value)
    if isinstance(value, str):
        if value == "permanent":
            return gettext("permanently")
        try:
            return datetime.date.fromisoformat(value[:10]).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if isinstance(value, list):
        if all(isinstance(v, (str, int)) for v in value):
            return ", ".join(value_text(v) for v in value) or gettext("none")
        return "; ".join(value_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{key_label(k)}: {value_text(v)}" for k, v in value.items())
    return str(value)


def lines_html(data, *, labels=key_label):
    """A dict (or a JSON text of one) as lines "Label: value"; a nested dict as a titled
    group; an empty one as a dash."""
    if isinstance(data, str):
        try:
            data = json.loads(data or "{}")
        except ValueError:
            return data
    if not data:
        return "–"
    if isinstance(data, list):
        return format_html_join("", "<div>{}</div>", ((value_text(item),) for item in data))
    rows = []
    for key, value in data.items():
        if isinstance(value, dict) and value:
            inner = lines_html(value, labels=labels)
            rows.append(
                format_html("<div><b>{}</b><div>{}</div></div>", capfirst(labels(key)), inner)
            )
        elif isinstance(value, dict):
            rows.append(
                format_html(
                    "<div><b>{}</b>: {}</div>", capfirst(labels(key)), gettext("nothing yet")
                )
            )
        else:
            rows.append(format_html("<div>{}: {}</div>", capfirst(labels(key)), value_text(value)))
    return format_html_join("", "{}", ((row,) for row in rows))


def form_label(key: str) -> str:
    """A web form's field: the customer's field label; the consents and language by name."""
    special = {
        "consents": _("Purposes agreed to"),
        "preferred_language": _("Preferred language"),
        "policy_version": _("Privacy policy version"),
        "message": _("Message"),
        "product": _("Service asked for"),
    }
    return str(special[key]) if key in special else field_label(key)


def form_value(key: str, value) -> str:
    if key == "consents" and isinstance(value, list):
        purposes = dict(
            apps.get_model("consents", "Purpose").objects.values_list("code", "name_vi")
        )
        return ", ".join(purposes.get(code, code) for code in value) or gettext("none")
    if key == "preferred_language":
        return {"vi": gettext("Vietnamese"), "en": gettext("English")}.get(value, value)
    return value_text(value)


def form_html(data) -> str:
    """A web form as received: each field by its label, consents by the purpose's name."""
    try:
        data = json.loads(data or "{}") if isinstance(data, str) else data
    except ValueError:
        return data
    return format_html_join(
        "",
        "<div>{}: {}</div>",
        ((capfirst(form_label(k)), form_value(k, v)) for k, v in (data or {}).items()),
    )
