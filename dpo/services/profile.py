"""The compliance profile and the DPIA's risk assessment, as the DPO changes them."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.core.actors import Actor
from dpo.models import ComplianceProfile, RiskAssessment, UpdateClock
from dpo.services.clocks import clock_start


def profile_update(*, profile: ComplianceProfile, actor, changed: list[str]) -> ComplianceProfile:
    """Save the DPO's edits; a new DPO service provider starts the 10-day update clock
    (Law 91 Art 22; Decree 356 Art 20)."""
    actor = Actor.of(actor).require("dpo.change_complianceprofile")

    with transaction.atomic():
        profile.full_clean()
        profile.save()
        if "dpo_provider" in changed:
            clock_start(
                kind=UpdateClock.Kind.TEN_DAYS,
                reason=_("The DPO service provider changed to: %(provider)s")
                % {"provider": profile.dpo_provider or _("in-house")},
                trigger_key=f"10d:provider:{timezone.now():%Y%m%d%H%M%S}",
                actor=actor,
            )
    return profile


def risk_assessment_save(*, assessment: RiskAssessment, actor) -> RiskAssessment:
    """Save the DPO's draft of the DPIA's risk assessment; who wrote it is recorded once, on
    creation. A signed one never changes (the admin offers no change; this refuses)."""
    actor = Actor.of(actor).require(
        "dpo.add_riskassessment" if assessment.pk is None else "dpo.change_riskassessment"
    )
    if assessment.signed_at:
        raise ValueError("A signed risk assessment never changes: write a new one.")
    if assessment.pk is None:
        assessment.created_by = actor.user
    assessment.full_clean(exclude=["created_by"])  # none when the system writes it
    assessment.save()
    return assessment


def risk_assessment_sign(*, assessment: RiskAssessment, actor) -> bool:
    """Sign once; a signed assessment never changes (write a new one instead)."""
    actor = Actor.of(actor).require("dpo.sign_riskassessment")
    with transaction.atomic():
        updated = RiskAssessment.objects.filter(pk=assessment.pk, signed_at__isnull=True).update(
            signed_at=timezone.now(), signed_by=actor.user
        )
    return bool(updated)
