"""System checks that keep every admin screen of personal data behind the one choke point
(``customers.audit.admin_base.PersonalDataAdmin``)."""

from django.apps import apps
from django.contrib import admin
from django.core import checks

from customers.audit.admin_base import PersonalDataAdmin
from customers.core.masking import ROW_RESTRICTED
from customers.core.personal_data import REGISTRY
from customers.core.roles import PERMISSIONS
from customers.models import Customer


def _points_to_customer(model) -> list[str]:
    return [
        field.name
        for field in model._meta.get_fields()
        if field.is_relation
        and field.concrete
        and field.related_model is not None
        and issubclass(field.related_model, Customer)
    ]


def _restricted_may_edit(model) -> bool:
    codenames = {f"add_{model._meta.model_name}", f"change_{model._meta.model_name}"}
    return any(
        codenames & set(PERMISSIONS.get(role, {}).get(model._meta.app_label, []))
        for role in ROW_RESTRICTED
    )


@checks.register(checks.Tags.admin)
def check_personal_data_admins(app_configs=None, site=None, **kwargs):
    errors = []
    site = site or admin.site
    for model in apps.get_models():
        if not site.is_registered(model):
            continue
        model_admin = site.get_model_admin(model)
        label = model._meta.label
        relations = _points_to_customer(model)
        holds = label in REGISTRY or issubclass(model, Customer) or relations
        if not holds:
            continue
        if not isinstance(model_admin, PersonalDataAdmin):
            errors.append(
                checks.Error(
                    f"The admin of {label} shows personal data but is not a PersonalDataAdmin.",
                    hint="Derive it from customers.audit.admin_base.PersonalDataAdmin, which "
                    "scopes its rows, masks what the role may not see and logs what it shows.",
                    obj=type(model_admin),
                    id="customers.E002",
                )
            )
            continue
        if relations and _restricted_may_edit(model):
            own = type(model_admin).formfield_for_foreignkey
            declared = set(getattr(model_admin.form, "declared_fields", {})) & set(relations)
            if own is not PersonalDataAdmin.formfield_for_foreignkey or declared:
                errors.append(
                    checks.Error(
                        f"A restricted role may edit {label}, whose relation to a customer "
                        "could then name a customer outside its scope.",
                        hint="Leave the customer field to PersonalDataAdmin (no own "
                        "formfield_for_foreignkey, no form field declared for it).",
                        obj=type(model_admin),
                        id="customers.E003",
                    )
                )
    return errors
