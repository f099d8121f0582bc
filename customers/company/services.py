"""The company profile, as the data-protection officer changes it or the first run sets it
from a preset, and what follows from its choices (issue 29)."""

import logging

from django.db import transaction

from customers.company.presets import PRESETS
from customers.consents.cookies import catalogue_clear
from customers.consents.models import ConsentState, CookieCategory, CookieConsent, Purpose
from customers.consents.selectors import consents_cache_clear
from customers.core.actors import Actor
from customers.core.company import company_cache_clear, company_profile
from customers.messaging.services import message_queue
from customers.models import CompanyProfile, Customer, RetentionRule

logger = logging.getLogger(__name__)
PARTNER_PURPOSE = "partner_sharing"


def company_profile_update(*, company, actor, changed: list[str]):
    """Save the DPO's edits to the company profile (the one row, pk=1). Turning partners off
    retires the partner-sharing purpose (``partners_retire``)."""
    actor = Actor.of(actor).require("customers.change_companyprofile")
    company.pk = 1
    with transaction.atomic():
        was = CompanyProfile.objects.select_for_update().filter(pk=1).first()
        company.full_clean()
        company.save()
        if was is not None and was.partners_allowed and not company.partners_allowed:
            partners_retire(actor=actor)
    return company


def partners_retire(*, actor) -> int:
    """The policy shares with no partner: the partner-sharing purpose is switched off, so that
    its box leaves every form and the consents given to it stop counting (no partner sharing
    is possible, ``recipients_for_sharing``); each customer who had given one is told. Returns
    how many were told."""
    actor = Actor.of(actor).require("customers.change_companyprofile")
    with transaction.atomic():
        purpose = Purpose.objects.select_for_update().filter(code=PARTNER_PURPOSE).first()
        if purpose is None or not purpose.active:
            return 0
        purpose.active = False
        purpose.save(update_fields=["active"])
        consenting = ConsentState.objects.filter(purpose=purpose, granted=True).values(
            "customer_id"
        )
        told = 0
        for customer in Customer.objects.filter(pk__in=consenting).exclude(
            status=Customer.Status.ERASED
        ):
            message = message_queue(
                customer=customer,
                purpose="service_notices",
                template="partners_retired",
                context={"purpose": purpose.name_vi, "purpose_en": purpose.name_en},
            )
            told += message is not None
        transaction.on_commit(consents_cache_clear)
        transaction.on_commit(company_cache_clear)
    logger.info("company.partners_retired told=%s actor=%s", told, actor.label)
    return told


class PresetRefused(Exception):
    pass


def company_preset_apply(*, name: str, actor):
    """Set the company profile and the registers from a preset (first run only: nothing may
    have been published or collected under other choices)."""
    Actor.of(actor).require("customers.change_companyprofile")
    preset = PRESETS.get(name)
    if preset is None:
        raise PresetRefused(f"No preset named {name!r}: {', '.join(sorted(PRESETS))}.")
    with transaction.atomic():
        company = company_profile()
        if company.preset and company.preset != name:
            raise PresetRefused(f"The company profile was set up from {company.preset!r}.")
        for key, value in preset.identity.items():
            setattr(company, key, value)
        company.preset = name
        company.partners_allowed = preset.partners_allowed
        company.hosting_location = preset.hosting_location
        company.hosted_abroad = preset.hosted_abroad
        company.field_access = preset.field_access
        company.collection_channels = list(preset.channels)
        company.full_clean()
        company.save()
        Purpose.objects.filter(code__in=preset.purposes_off).update(active=False)
        if not CookieConsent.objects.exists():  # nobody chose yet: unused categories go
            CookieCategory.objects.filter(code__in=preset.cookies_off, required=False).delete()
        for category, months in preset.retention.items():
            values = {"period_months": months}
            if months is None:  # kept until the customer asks: no sweep, no notice
                values.update(action=RetentionRule.Action.KEEP, notice_days=0)
            RetentionRule.objects.filter(category=category).update(**values)
        transaction.on_commit(consents_cache_clear)
        transaction.on_commit(catalogue_clear)
        transaction.on_commit(company_cache_clear)
    return company
