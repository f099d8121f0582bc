"""System checks on the company profile: its role × field table names real roles and fields,
and the published privacy policy is still true to the registers (issue 29)."""

from django.core import checks
from django.db import DatabaseError

from customers.core.masking import ALL
from customers.core.roles import Role


def _profile():
    from customers.models import CompanyProfile

    return CompanyProfile.objects.filter(pk=1).first()


@checks.register(checks.Tags.database)
def check_company_profile(app_configs=None, databases=None, **kwargs):
    """Reads the database, so it runs where the database is asked for (``migrate``,
    ``check --database default``, the deploy checks)."""
    if not databases:
        return []
    from customers.consents.policy_facts import policy_warnings
    from customers.sharing.selectors import tia_covered_names

    messages = []
    try:
        company = _profile()
        warnings = policy_warnings()
        covered = tia_covered_names() if company and company.hosted_abroad else set()
    except DatabaseError:  # not migrated yet: nothing to check
        return []
    for role, fields in ((company.field_access or {}) if company else {}).items():
        unknown = set(fields.get("visible", [])) | set(fields.get("revealable", []))
        unknown -= ALL
        if role not in Role.values or unknown:
            messages.append(
                checks.Error(
                    f"The company profile's field table names an unknown role or field: "
                    f"{role!r} {sorted(unknown)}.",
                    hint="Roles are those of customers.core.roles; fields those of "
                    "customers.core.personal_data.CUSTOMER_FIELDS.",
                    id="customers.E010",
                )
            )
    if company and company.hosted_abroad and company.hosting_location not in covered:
        messages.append(
            checks.Warning(
                "Our systems are hosted abroad and no filed cross-border transfer assessment "
                "names the hosting.",
                hint="Generate, sign and file the TIA in the DPO's admin.",
                id="customers.W011",
            )
        )
    messages += [checks.Warning(text, id="customers.W010") for text in warnings]
    return messages
