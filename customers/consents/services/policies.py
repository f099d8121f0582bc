import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.consents.models import PolicyVersion
from customers.consents.policy_facts import (
    contradictions,
    missing_facts,
    own_paragraphs,
    policy_facts,
    transfers_abroad,
)
from customers.consents.selectors import consents_cache_clear
from customers.core.actors import Actor

logger = logging.getLogger(__name__)


class PolicyNotPublishable(Exception):
    pass


@transaction.atomic
def policy_publish(*, version: PolicyVersion, actor) -> bool:
    """Publish a draft: from then on it is the current policy and never changes.

    Returns False when it was already published (a repeat is harmless).
    """
    actor = Actor.of(actor).require("consents.change_policyversion")
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        return False
    if not version.sections.exists():
        raise PolicyNotPublishable("A policy version needs its sections before publishing.")
    newer = PolicyVersion.objects.filter(
        status=PolicyVersion.Status.PUBLISHED, number__gt=version.number
    )
    if newer.exists():
        raise PolicyNotPublishable("A newer version is already published.")
    facts = policy_facts()
    refusals = missing_facts(facts) + contradictions(own_paragraphs(version), facts)
    if refusals:
        raise PolicyNotPublishable(
            _("This version cannot be published: %(why)s.") % {"why": "; ".join(refusals)}
        )
    # What the page states from now on, kept with the version; the flag follows the facts.
    version.facts = facts
    version.stores_data_abroad = bool(transfers_abroad(facts))
    version.status = PolicyVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor.user
    version.full_clean()
    version.save(
        update_fields=["status", "published_at", "published_by", "facts", "stores_data_abroad"]
    )
    transaction.on_commit(consents_cache_clear)
    logger.info(
        "policy.published version=%s actor_id=%s", version.number, getattr(actor.user, "pk", None)
    )
    return True


@transaction.atomic
def policy_draft_from_current(*, actor) -> PolicyVersion:
    """A new draft, starting from a copy of the latest version's sections."""
    actor = Actor.of(actor).require("consents.add_policyversion")
    latest = PolicyVersion.objects.select_for_update().order_by("-number").first()
    draft = PolicyVersion.objects.create(
        number=(latest.number + 1) if latest else 1,
        stores_data_abroad=latest.stores_data_abroad if latest else False,
    )
    if latest:
        for section in latest.sections.all():
            section.pk = None
            section.version = draft
            section.save()
    logger.info(
        "policy.draft_created version=%s actor_id=%s", draft.number, getattr(actor.user, "pk", None)
    )
    return draft
