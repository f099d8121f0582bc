"""The company's profile (who collects the data, who its DPO is), read from one place.

The row is created on first use from the ORG_* and DPO_* settings, so an install that never
edits the profile keeps what its settings say. ``customers.core`` names the model through the
app registry and never imports ``customers.models`` (see ``customers.core.selectors``).
"""

from django.apps import apps
from django.conf import settings
from django.core.cache import cache

NAME_CACHE_KEY = "company:name"


def defaults_from_settings() -> dict:
    """The profile's first values: the organisation and the DPO as the settings name them."""
    org = settings.ORGANISATION
    dpo = settings.DPO
    return {
        "name": org.get("name", ""),
        "address": org.get("address", ""),
        "email": org.get("email", ""),
        "phone": org.get("phone", ""),
        "tax_code": org.get("tax_code", ""),
        "website": org.get("website", ""),
        "dpo_name": dpo.get("name", ""),
        "dpo_title": dpo.get("title", ""),
        "dpo_email": dpo.get("email", ""),
        "dpo_phone": dpo.get("phone", ""),
    }


def company_profile():
    """The one company profile (pk=1), created from the settings on first use."""
    model = apps.get_model("customers", "CompanyProfile")
    return model.objects.get_or_create(pk=1, defaults=defaults_from_settings())[0]


def company_name() -> str:
    """The company's name for every page's header: one small read, then kept in the cache
    until the profile is saved again (``company_name_forget``)."""
    name = cache.get(NAME_CACHE_KEY)
    if name is None:
        model = apps.get_model("customers", "CompanyProfile")
        name = model.objects.filter(pk=1).values_list("name", flat=True).first()
        name = name or settings.ORGANISATION.get("name", "")
        cache.set(NAME_CACHE_KEY, name, None)
    return name


def company_name_forget() -> None:
    cache.delete(NAME_CACHE_KEY)
