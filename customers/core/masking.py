"""Which personal fields each role sees in clear, and how the others are masked.

Masking happens on the server: a masked value never reaches the HTML of a role that must
not see it. The field list comes from ``customers.core.personal_data``.
"""

from customers.core.personal_data import CUSTOMER_FIELDS
from customers.core.roles import Role

ALL = frozenset(f.name for f in CUSTOMER_FIELDS)
CONTACT = frozenset(
    {
        "full_name",
        "business_name",
        "contact_person",
        "email",
        "phone_mobile",
        "phone_home",
        "phone_office",
    }
)

# Fields shown in clear, per role. Roles not listed see no customer data at all.
VISIBLE = {
    Role.BOARD: ALL,
    Role.SALES: ALL,
    Role.CUSTOMER_CARE: ALL,
    Role.DPO: ALL,
    # Technical support works on a service: the contact, not the tax code or the addresses.
    Role.TECH_SUPPORT: CONTACT,
    Role.ACCOUNTING: frozenset(
        {"full_name", "business_name", "tax_code", "address_home", "address_office"}
    ),
}
# Masked fields a role may reveal one at a time, with a reason, each reveal logged.
REVEALABLE = {
    Role.TECH_SUPPORT: frozenset({"address_home", "address_office"}),
}

# Roles that see only customers with an active service (row-level restriction).
ROW_RESTRICTED = frozenset({Role.TECH_SUPPORT})

BULLET = "\u2022"


def roles_of(user) -> set[str]:
    if not hasattr(user, "_privacysite_roles"):
        user._privacysite_roles = set(user.groups.values_list("name", flat=True))
    return user._privacysite_roles


def visible_fields(user) -> frozenset:
    if user.is_superuser:
        return ALL
    fields = set()
    for role in roles_of(user):
        fields |= VISIBLE.get(role, frozenset())
    return frozenset(fields)


def revealable_fields(user) -> frozenset:
    fields = set()
    for role in roles_of(user):
        fields |= REVEALABLE.get(role, frozenset())
    return frozenset(fields) - visible_fields(user)


def restricted_to_active_service(user) -> bool:
    roles = roles_of(user)
    return not user.is_superuser and bool(roles) and roles <= ROW_RESTRICTED


def in_scope(user, customer) -> bool:
    """Whether this staff member may see this customer at all (the row-level rule)."""
    if not restricted_to_active_service(user):
        return True
    return customer.services.filter(status="active").exists()


def mask(value: str, style: str) -> str:
    if not value:
        return ""
    if style == "phone":
        digits = [c for c in value if c.isdigit()]
        if len(digits) < 6:
            return BULLET * 6
        return f"{''.join(digits[:2])}{BULLET * 2} {BULLET * 3} {''.join(digits[-3:])}"
    if style == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}{BULLET * 3}@{domain}" if domain else BULLET * 6
    if style == "text":
        return " ".join(f"{word[:1]}{BULLET * 2}" for word in value.split())
    return BULLET * 6


STYLES = {f.name: f.mask for f in CUSTOMER_FIELDS}


def shown(user, customer, field: str) -> str:
    """The value of ``field`` as this user may see it."""
    value = getattr(customer, field) or ""
    if field in visible_fields(user):
        return value
    return mask(value, STYLES[field])
