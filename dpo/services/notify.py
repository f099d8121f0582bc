"""Mail to the data-protection officer: the DPO role's accounts and the company profile's
DPO address."""

from django.contrib.auth import get_user_model
from django.core.mail import send_mail

from customers.core.company import company_profile
from customers.core.roles import Role


def dpo_recipients() -> list[str]:

    emails = set(
        get_user_model()
        .objects.filter(groups__name=Role.DPO.value, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    # The DPO's own mailbox from the company profile; not the company's general one, which
    # is the DPO's address until one is declared (settings.DPO).
    company = company_profile()
    if company.dpo_email and company.dpo_email != company.email:
        emails.add(company.dpo_email)
    return sorted(emails)


def dpo_mail(subject: str, body: str) -> bool:
    """Subjects and bodies carry counts, dates and staff logins: never customer data."""
    recipients = dpo_recipients()
    if recipients:
        send_mail(f"[privacysite] {subject}", body, None, recipients)
    return bool(recipients)
