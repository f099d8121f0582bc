"""Mail to the data-protection officer: the DPO role's accounts and the profile's address."""

from django.contrib.auth import get_user_model
from django.core.mail import send_mail

from customers.core.roles import Role
from dpo.selectors import profile


def dpo_recipients() -> list[str]:

    emails = set(
        get_user_model()
        .objects.filter(groups__name=Role.DPO.value, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if profile().dpo_email:
        emails.add(profile().dpo_email)
    return sorted(emails)


def dpo_mail(subject: str, body: str) -> bool:
    """Subjects and bodies carry counts, dates and staff logins: never customer data."""
    recipients = dpo_recipients()
    if recipients:
        send_mail(f"[privacysite] {subject}", body, None, recipients)
    return bool(recipients)
