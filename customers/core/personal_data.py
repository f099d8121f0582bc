"""The one place that says which fields hold personal data, and of which class.

Export, masking, erasure, the access log and key rotation all read this registry; the system
check ``customers.E001`` fails when a model has an encrypted field that is not listed here, so
a new field cannot be forgotten by one of them.
"""

from dataclasses import dataclass

import phonenumbers
from django.apps import apps
from django.core import checks
from django.utils.translation import gettext_lazy as _
from stdnum.vn import mst

from customers.core.crypto import blind_index
from customers.core.fields import EncryptedTextField
from customers.core.folding import fold

BASIC = "basic"
SENSITIVE = "sensitive"


def normalise_email(value: str) -> str:
    return value.strip().lower()


def normalise_phone(value: str) -> str:
    """E.164 form; Vietnamese numbers may be written nationally (09xx...)."""
    try:
        number = phonenumbers.parse(value, "VN")
    except phonenumbers.NumberParseException:
        return "".join(ch for ch in value if ch.isdigit())
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_tax_code(value: str) -> str:
    return mst.compact(value) if value else ""


@dataclass(frozen=True)
class PersonalField:
    name: str
    label: str
    data_class: str = BASIC
    # What masking shows: "phone" keeps the first 2 and last 3 digits, "email" the first
    # letter and the domain, "text" the first letter of each word, "all" nothing at all.
    mask: str = "text"
    blind_index: str | None = None
    normalise: object = None
    encrypted: bool = True
    # The column holding the folded value for search by part of a name (``fold``): the same
    # words as the field itself, so as clear as it (not encrypted, not keyed), and wiped with it.
    search_column: str | None = None


CUSTOMER_FIELDS = (
    PersonalField("full_name", _("full name"), encrypted=False, search_column="full_name_folded"),
    PersonalField(
        "business_name", _("business name"), encrypted=False, search_column="business_name_folded"
    ),
    PersonalField(
        "contact_person",
        _("contact person"),
        encrypted=False,
        search_column="contact_person_folded",
    ),
    PersonalField(
        "tax_code",
        _("tax code"),
        mask="all",
        blind_index="tax_code_index",
        normalise=normalise_tax_code,
    ),
    PersonalField(
        "email", _("email"), mask="email", blind_index="email_index", normalise=normalise_email
    ),
    PersonalField(
        "phone_mobile",
        _("mobile phone"),
        mask="phone",
        blind_index="phone_mobile_index",
        normalise=normalise_phone,
    ),
    PersonalField(
        "phone_home",
        _("home phone"),
        mask="phone",
        blind_index="phone_home_index",
        normalise=normalise_phone,
    ),
    PersonalField(
        "phone_office",
        _("office phone"),
        mask="phone",
        blind_index="phone_office_index",
        normalise=normalise_phone,
    ),
    PersonalField("address_home", _("home address"), mask="all"),
    PersonalField("address_office", _("office address"), mask="all"),
    PersonalField("notes", _("notes"), mask="all"),
)

# Every model holding personal data, with its personal fields. Related rows are reached
# from the customer through ``related_name`` (the key's second part); api.SubjectHash by
# its ``customer_id`` (the api app is above this one: no relation points up to it).
REGISTRY = {
    "customers.Customer": CUSTOMER_FIELDS,
    "customers.CustomerChange": (PersonalField("diff", _("changed values"), mask="all"),),
    "customers.Submission": (
        PersonalField("data", _("form data as received"), mask="all"),
        PersonalField("ip_address", _("IP address"), mask="all"),
        PersonalField("user_agent", _("user agent"), mask="all", encrypted=False),
        PersonalField("pending", _("form data waiting to be processed"), mask="all"),
        # The address, pseudonymised for the forms' limit (a keyed hash): deleted with the row.
        PersonalField(
            "sender_index",
            _("sender (keyed hash of the address)"),
            mask="all",
            encrypted=False,
        ),
    ),
    "customers.PendingChange": (
        PersonalField("payload", _("values waiting for the customer's confirmation"), mask="all"),
    ),
    "customers.Service": (PersonalField("notes", _("service notes"), mask="all"),),
    "customers.AccountingDocument": (
        PersonalField("buyer_name", _("buyer name")),
        PersonalField("buyer_tax_code", _("buyer tax code"), mask="all"),
        PersonalField("buyer_address", _("buyer address"), mask="all"),
    ),
    "customers.Message": (
        PersonalField("recipient", _("recipient"), mask="email"),
        PersonalField("context", _("template context"), mask="all"),
        PersonalField("subject", _("subject"), mask="all"),
        PersonalField("body", _("body"), mask="all"),
        PersonalField("html_body", _("HTML body"), mask="all"),
    ),
    "customers.DataRequest": (
        PersonalField("details", _("what the customer wrote"), mask="all"),
        PersonalField("proposed_changes", _("proposed changes"), mask="all"),
        PersonalField("previous_values", _("values before the correction"), mask="all"),
    ),
    "customers.DataRequestEvent": (PersonalField("note", _("note"), mask="all"),),
    "customers.Incident": (PersonalField("description", _("what happened"), mask="all"),),
    "consents.ConsentEvent": (
        PersonalField("ip_address", _("IP address"), mask="all"),
        PersonalField("user_agent", _("user agent"), mask="all", encrypted=False),
        PersonalField("call_reference", _("call reference"), mask="all", encrypted=False),
    ),
    # The other systems' suppression lists, kept per system rather than computed per call:
    # pseudonymised (a keyed hash and the value's blind index), deleted by erasure.
    "api.SubjectHash": (
        PersonalField(
            "hash",
            _("salted hash of an email address or phone number, per other system"),
            mask="all",
            encrypted=False,
        ),
    ),
}


def fields_of(model_label: str) -> tuple[PersonalField, ...]:
    return REGISTRY.get(model_label, ())


def encrypted_fields():
    """(model, field names) for every encrypted column, for key rotation."""
    for label, fields in REGISTRY.items():
        names = [f.name for f in fields if f.encrypted]
        if names:
            yield apps.get_model(label), names


def blind_indexes(values: dict) -> dict:
    """The blind-index columns for the customer values given (by field name)."""
    indexes = {}
    for field in CUSTOMER_FIELDS:
        if field.blind_index and field.name in values:
            raw = values[field.name] or ""
            indexes[field.blind_index] = blind_index(field.normalise(raw)) if raw else ""
    return indexes


def search_columns(values: dict) -> dict:
    """The search columns for the customer values given (by field name)."""
    return {
        field.search_column: fold(values[field.name] or "")
        for field in CUSTOMER_FIELDS
        if field.search_column and field.name in values
    }


@checks.register(checks.Tags.models)
def check_registry_is_complete(app_configs=None, **kwargs):
    errors = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        label = model._meta.label
        listed = {f.name for f in fields_of(label)}
        for field in model._meta.get_fields():
            if isinstance(field, EncryptedTextField) and field.name not in listed:
                errors.append(
                    checks.Error(
                        f"{label}.{field.name} is encrypted but not listed in "
                        "customers.personal_data.REGISTRY.",
                        hint="Add it with its data class so export, masking and erasure see it.",
                        obj=model,
                        id="customers.E001",
                    )
                )
    return errors
