"""Which personal fields each role sees in clear, and how the others are masked.

Masking happens on the server: a masked value never reaches the HTML of a role that must
not see it. The field list comes from ``customers.core.personal_data``.
"""

from types import SimpleNamespace

from customers.core.company import company_choices
from customers.core.personal_data import CUSTOMER_FIELDS
from customers.core.roles import Role
from customers.core.selectors import model

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

# Fields shown in clear, per role, unless the company profile's ``field_access`` says otherwise
# for a role (``role_visible``). Roles not listed see no customer data at all.
VISIBLE = {
    Role.BOARD: ALL,
    Role.SALES: ALL,
    Role.CUSTOMER_CARE: ALL,
    Role.DPO: ALL,
    # Technical support works on a service: the contact, not the tax code or the addresses.
    Role.TECH_SUPPORT: CONTACT,
    # Accounting works on invoices: the buyer's name, tax code and address. For a business
    # that is the business, not the person behind it (``VISIBLE_BY_KIND``).
    Role.ACCOUNTING: frozenset(
        {"full_name", "business_name", "tax_code", "address_home", "address_office"}
    ),
}
# Where a role sees less of a business customer than of an individual, or the other way round:
# the person named on a business customer (full name, contact person) is not the buyer.
VISIBLE_BY_KIND = {
    Role.ACCOUNTING: {
        "business": frozenset({"business_name", "tax_code", "address_office"}),
        "individual": frozenset({"full_name", "tax_code", "address_home"}),
    },
}
# Masked fields a role may reveal one at a time, with a reason, each reveal logged.
REVEALABLE = {
    Role.TECH_SUPPORT: frozenset({"address_home", "address_office"}),
}

# Roles that see only customers with an active service (row-level restriction).
ROW_RESTRICTED = frozenset({Role.TECH_SUPPORT})

BULLET = "\u2022"


def role_visible(role: str) -> frozenset:
    """The fields ``role`` sees in clear: the company profile's table where it names the role
    (a company on a stricter policy), else the built-in one."""
    override = company_choices()["field_access"].get(str(role))
    if override is not None:
        return frozenset(override.get("visible", ())) & ALL
    return VISIBLE.get(role, frozenset())


def role_revealable(role: str) -> frozenset:
    override = company_choices()["field_access"].get(str(role))
    if override is not None:
        return frozenset(override.get("revealable", ())) & ALL
    return REVEALABLE.get(role, frozenset())


def field_table() -> dict[str, dict[str, list[str]]]:
    """Every role's fields, as in force now (the policy page and its checks print this)."""
    return {
        str(role): {
            "visible": sorted(role_visible(role)),
            "revealable": sorted(role_revealable(role) - role_visible(role)),
        }
        for role in Role
    }


def roles_of(user) -> set[str]:
    if not hasattr(user, "_privacysite_roles"):
        user._privacysite_roles = set(user.groups.values_list("name", flat=True))
    return user._privacysite_roles


def visible_fields(user, customer=None) -> frozenset:
    """The customer fields this user sees in clear; of this ``customer`` when one is given
    (some roles see less of one kind of customer)."""
    if user.is_superuser:
        return ALL
    fields = set()
    for role in roles_of(user):
        by_kind = VISIBLE_BY_KIND.get(role)
        if by_kind and customer is not None:
            fields |= by_kind.get(customer.kind, frozenset()) & role_visible(role)
        else:
            fields |= role_visible(role)
    return frozenset(fields)


def visible_for(user, field: str) -> dict | None:
    """Among which customers ``user`` sees ``field`` in clear, as filter arguments: ``{}`` for
    every customer, ``{"kind__in": [...]}`` for some kinds only, None for none. A search or a
    filter on a field reaches only those customers: matching a value one cannot see would
    tell it (a business's contact person found by name through accounting's search)."""
    if field in visible_fields(user) and not any(r in VISIBLE_BY_KIND for r in roles_of(user)):
        return {}
    kinds = [
        kind
        for kind in model("Customer").Kind.values
        if field in visible_fields(user, SimpleNamespace(kind=kind))
    ]
    if not kinds:
        return None
    return {} if len(kinds) == len(model("Customer").Kind.values) else {"kind__in": kinds}


def revealable_fields(user, customer=None) -> frozenset:
    fields = set()
    for role in roles_of(user):
        fields |= role_revealable(role)
    return frozenset(fields) - visible_fields(user, customer)


def restricted_to_active_service(user) -> bool:
    roles = roles_of(user)
    return not user.is_superuser and bool(roles) and roles <= ROW_RESTRICTED


def in_scope(user, customer) -> bool:
    """Whether this staff member may see this customer at all (the row-level rule)."""
    if not restricted_to_active_service(user):
        return True
    return customer.services.filter(status=model("Service").Status.ACTIVE).exists()


def scope(queryset, user, path: str = ""):
    """``queryset`` limited to the rows this user may see: the customers themselves
    (``path=""``) or rows reaching a customer through ``path`` (e.g. ``"customer"``)."""
    if not restricted_to_active_service(user):
        return queryset
    active = model("Service").Status.ACTIVE
    served = model("Customer").objects.filter(services__status=active).values("pk")
    return queryset.filter(**{f"{path}__in" if path else "pk__in": served})


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
    if field in visible_fields(user, customer):
        return value
    return mask(value, STYLES[field])


def display_name(user, customer) -> str:
    """How a customer is named on a screen of this user (lists, links, page titles): the
    name field of its kind, masked where the user may not see it."""
    if customer is None:
        return ""
    if customer.status == model("Customer").Status.ERASED:
        return str(customer)
    field = "business_name" if customer.business_name else "full_name"
    return shown(user, customer, field)


def name_field(customer) -> str:
    return "business_name" if customer.business_name else "full_name"


class SeenAs:
    """An object as a screen may name it: every attribute is the object's, its text is the
    name this user may see (a role that sees no name field gets the masked one)."""

    def __init__(self, obj, text: str):
        self._obj, self._text = obj, text

    def __getattr__(self, name):
        return getattr(self._obj, name)

    def __str__(self):
        return self._text


def named_as_seen(response, user, key: str, subtitle: str | None = None):
    """Make a rendered-later admin page name its customer (``context[key]``) as ``user`` may
    see it: Django's own title, subtitle and breadcrumbs print the object's text."""
    context = getattr(response, "context_data", None)
    obj = context.get(key) if context else None
    if obj is not None and not isinstance(obj, SeenAs):
        name = display_name(user, obj)
        context[key] = SeenAs(obj, name)
        if subtitle:
            context[subtitle] = name
    return response
