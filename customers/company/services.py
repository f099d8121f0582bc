"""The company profile, as the data-protection officer changes it."""

from django.db import transaction

from customers.core.actors import Actor
from customers.core.company import company_name_forget


def company_profile_update(*, company, actor, changed: list[str]):
    """Save the DPO's edits to the company profile (the one row, pk=1)."""
    Actor.of(actor).require("customers.change_companyprofile")
    company.pk = 1
    with transaction.atomic():
        company.full_clean()
        company.save()
        transaction.on_commit(company_name_forget)  # the admin header shows the new name
    return company
