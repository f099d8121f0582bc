"""The company profile, as the data-protection officer changes it."""

from django.db import transaction

from customers.core.actors import Actor


def company_profile_update(*, company, actor, changed: list[str]):
    """Save the DPO's edits to the company profile (the one row, pk=1)."""
    Actor.of(actor).require("customers.change_companyprofile")
    company.pk = 1
    with transaction.atomic():
        company.full_clean()
        company.save()
    return company
