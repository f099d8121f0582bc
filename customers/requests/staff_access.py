""" "Staff who looked at your data", as the customer reads it: by team (role), why that team
looks, and day, with how many times; never a staff member's login. A morning's 38 page views
by customer care are one line."""

from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.core.roles import Role
from privacysite.display import day

# Why each team looks at a customer's data (the purposes of the privacy policy, in words).
ROLE_PURPOSES = {
    Role.BOARD.value: _("overseeing the company's business"),
    Role.SALES.value: _("selling and managing your services"),
    Role.CUSTOMER_CARE.value: _("answering your questions and requests"),
    Role.TECH_SUPPORT.value: _("supporting your services technically"),
    Role.ACCOUNTING.value: _("invoices and accounting"),
    Role.DPO.value: _("protecting your data and answering your rights requests"),
}
ADMINISTRATION = _("administration of our systems")


def staff_role(user) -> str:
    """The role's name of a staff member ("Customer care"), or "Administrator"."""
    names = {group.name for group in user.groups.all()}
    for role in Role:
        if role.value in names:
            return role.value
    return ""


def role_label(role: str) -> str:
    return str(Role(role).label) if role else str(_("Administrator"))


def role_purpose(role: str) -> str:
    return str(ROLE_PURPOSES.get(role, ADMINISTRATION))


def grouped(entries) -> list[dict]:
    """One line per day and role, newest day first: {"day", "role", "purpose", "count"}."""
    counts = Counter()
    for entry in entries:
        counts[(timezone.localdate(entry.at), staff_role(entry.actor))] += 1
    return [
        {"day": day(date), "role": role_label(role), "purpose": role_purpose(role), "count": n}
        for (date, role), n in sorted(
            counts.items(), key=lambda item: (-item[0][0].toordinal(), item[0][1])
        )
    ]
