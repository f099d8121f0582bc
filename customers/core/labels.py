"""What people read instead of codes: a field's label (from the personal-data registry), an
email template, a request's status, and a correction as old → new (a purpose's and a cookie
category's names are in ``consents.labels``). Admin columns and templates use these; nothing
here queries more than once per call. The models are named through the app registry
(``customers.core.selectors.model``): core stands below them."""

import json

from django.apps import apps
from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from customers.core.personal_data import REGISTRY
from customers.core.selectors import model

# Email templates, as staff and customers name them.
TEMPLATES = {
    "campaign": _("Campaign message"),
    "confirm_contact": _("Confirm your contact details"),
    "deletion_confirm": _("Confirm that deleting ends the service"),
    "email_changed": _("Your email address was changed"),
    "erasure_notice": _("Notice before erasure"),
    "incident_notice": _("Notice of a data incident"),
    "legal_disclosure": _("Notice of a disclosure required by law"),
    "my_data_link": _("Link to your data"),
    "partners_retired": _("We no longer share data with partners"),
    "policy_change": _("Notice of a new privacy policy"),
    "policy_change_sms": _("Notice of a new privacy policy"),
    "renewal_reminder": _("Renewal reminder"),
    "request_answered": _("Your request was answered"),
    "request_extended": _("More time for your request"),
    "request_received": _("Your request was received"),
}
# Who acted, where it was not a staff member.
ACTORS = {
    "customer": _("The customer"),
    "customer (self)": _("The customer (on their own data page)"),
    "customer (web form)": _("The customer (through a web form)"),
    "customer (confirmed web form)": _("The customer (a web form they confirmed)"),
    "system": _("The system"),
}


def field_label(name: str, model_label: str = "customers.Customer") -> str:
    """``address_home`` → "Home address" (in the active language); ``consentevent.ip_address``
    (another model's field, as the access log records it) → its label and the model's name."""
    if "." in name:
        model_name, name = name.split(".", 1)
        try:
            other = next(m for m in apps.get_models() if m._meta.model_name == model_name)
        except StopIteration:
            return capfirst(name.replace("_", " "))
        return f"{field_label(name, other._meta.label)} ({other._meta.verbose_name})"
    for field in REGISTRY.get(model_label, ()):
        if field.name == name:
            return capfirst(str(field.label))
    try:
        return capfirst(str(apps.get_model(model_label)._meta.get_field(name).verbose_name))
    except LookupError:
        return capfirst(name.replace("_", " "))
    except Exception:  # noqa: BLE001  (FieldDoesNotExist: a field no model has any more)
        return capfirst(name.replace("_", " "))


def field_labels(names, model_label: str = "customers.Customer") -> str:
    return ", ".join(field_label(name, model_label) for name in names or ())


def field_labels_in(names, language: str) -> str:
    """The labels in the customer's language (for what is stored and sent to them)."""
    with override(language):
        return field_labels(names)


def template_label(code: str) -> str:
    return str(TEMPLATES.get(code, capfirst(code.replace("_", " "))))


def actor_name(label: str) -> str:
    """A recorded actor label in words: the customer and the system's parts by name; a staff
    member's login as recorded."""
    if label in ACTORS:
        return str(ACTORS[label])
    if label.startswith("system:"):
        return str(ACTORS["system"])
    return label


def request_status_label(code: str) -> str:
    if not code:
        return "–"
    try:
        return str(model("DataRequest").Status(code).label)
    except ValueError:
        return code


def _shown(value) -> str:
    return value if value else gettext("(empty)")


def changes_html(pairs):
    """[(label, old, new)] as lines "Label: old → new"."""
    return format_html_join(
        "", "<div>{}: {} → {}</div>", ((lbl, _shown(o), _shown(n)) for lbl, o, n in pairs)
    )


def correction_pairs(data_request) -> list[tuple[str, str, str]]:
    """A correction request: each field with its old value and the value asked for. Once
    applied, the old value is the one kept in the request (the customer's is the new one)."""
    try:
        proposed = json.loads(data_request.proposed_changes or "{}")
        previous = json.loads(data_request.previous_values or "null")
    except ValueError:
        return []
    if previous is None:
        customer = data_request.customer
        previous = {name: getattr(customer, name, "") for name in proposed}
    return [
        (field_label(name), previous.get(name, "") or "", new or "")
        for name, new in proposed.items()
    ]


# --- Admin columns ------------------------------------------------------------------------


@admin.display(description=_("Fields"))
def fields_column(obj):
    return field_labels(obj.fields)


@admin.display(description=_("Changed by"))
def actor_column(obj):
    return actor_name(obj.actor_label)


@admin.display(description=_("Template"))
def template_column(obj):
    return template_label(obj.template)


@admin.display(description=_("Proposed changes"))
def proposed_changes_column(obj):
    pairs = correction_pairs(obj)
    return changes_html(pairs) if pairs else "–"


@admin.display(description=_("From"))
def from_status_column(obj):
    return request_status_label(obj.from_status)


@admin.display(description=_("To"))
def to_status_column(obj):
    return request_status_label(obj.to_status)


# Why a customer's data changed, where the reason is a code rather than words.
CHANGE_REASONS = {"created": _("Created"), "admin": _("Changed by staff in the admin")}


def change_reason(reason: str) -> str:
    if reason in CHANGE_REASONS:
        return str(CHANGE_REASONS[reason])
    if reason.startswith("web form confirmed"):
        return str(_("Confirmed by the customer from a web form"))
    form = model("Submission").Form
    if reason in form.values:
        return str(form(reason).label)
    return reason or "–"


@admin.display(description=_("Reason"))
def change_reason_column(obj):
    return change_reason(obj.reason)


@admin.display(description=_("Given"), boolean=True)
def consent_granted_column(obj):
    return obj.granted


@admin.display(description=_("Since"))
def consent_since_column(obj):
    from django.utils import formats, timezone

    return formats.date_format(timezone.localtime(obj.since), "SHORT_DATETIME_FORMAT")


@admin.display(description=_("Last activity"), ordering="last_activity_at")
def last_activity_column(obj):
    from django.utils import formats, timezone

    return formats.date_format(timezone.localtime(obj.last_activity_at), "SHORT_DATE_FORMAT")
