"""The company's profile (who collects the data, who its DPO is, the policy's choices), read
from one place.

The row is created on first use from the ORG_* and DPO_* settings, so an install that never
edits the profile keeps what its settings say. ``customers.core`` names the model through the
app registry and never imports ``customers.models`` (see ``customers.core.selectors``).

The choices the software enforces on every request (which fields a role sees, whether
partners exist) are read through ``company_choices``: a copy kept in the shared cache and, for
a moment, in each process, cleared whenever the profile is saved.
"""

import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache

CACHE_KEY = "company:choices:v1"
CACHE_TTL = 300
LOCAL_SECONDS = 2.0
_local = {"data": None, "until": 0.0}


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


def company_cache_clear() -> None:
    _local.update(data=None, until=0.0)
    cache.delete(CACHE_KEY)


IDENTITY = ("name", "address", "email", "phone", "tax_code", "website")


def company_choices() -> dict:
    """The enforced choices: ``field_access`` (role -> {"visible": [...], "revealable":
    [...]}, roles left out keep the built-in table) and ``partners_allowed``; and the
    ``organisation`` as pages and messages name it."""
    now = time.monotonic()
    if _local["data"] is not None and now < _local["until"]:
        return _local["data"]
    data = cache.get(CACHE_KEY)
    if data is None:
        # Read, not created: until something records the profile (the first run, the admin),
        # the settings name the company as they always did.
        company = apps.get_model("customers", "CompanyProfile").objects.filter(pk=1).first()
        defaults = defaults_from_settings()
        data = {
            "field_access": company.field_access or {} if company else {},
            "partners_allowed": company.partners_allowed if company else True,
            "organisation": {
                field: getattr(company, field) if company else defaults[field] for field in IDENTITY
            },
        }
        cache.set(CACHE_KEY, data, CACHE_TTL)
    _local.update(data=data, until=now + LOCAL_SECONDS)
    return data


def partners_allowed() -> bool:
    return company_choices()["partners_allowed"]


def organisation() -> dict:
    """The company as every page footer and message names it (the profile's identity)."""
    return company_choices()["organisation"]


def company_name() -> str:
    """The company's name for the admin header and the authenticator app."""
    return organisation()["name"] or settings.ORGANISATION.get("name", "")
