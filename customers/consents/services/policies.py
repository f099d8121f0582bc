import logging
from datetime import timedelta

from django.conf import settings
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
from customers.core import jobs
from customers.core.actors import Actor
from privacysite.display import when

logger = logging.getLogger(__name__)


class PolicyNotPublishable(Exception):
    pass


def _effective_earliest(now=None):
    """The earliest a version published now may take effect: at once for the first one; for a
    later one, after the notice period, so that customers are told before it applies."""
    now = now or timezone.now()
    if not PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED).exists():
        return now
    return now + timedelta(days=settings.POLICY_CHANGE_NOTICE_DAYS)


@transaction.atomic
def policy_publish(*, version: PolicyVersion, actor, effective_at=None) -> bool:
    """Publish a draft: it never changes again, and becomes the current policy at
    ``effective_at`` (by default the earliest allowed, ``_effective_earliest``). Every
    customer who can be told gets the change notice before then (a worker task, in batches).

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
    now = timezone.now()
    earliest = _effective_earliest(now)
    effective_at = effective_at or version.effective_at or earliest
    if effective_at < earliest:
        raise PolicyNotPublishable(
            _(
                "A new version takes effect at least %(days)s days after it is published, so "
                "that customers are told first: choose %(date)s or later."
            )
            % {"days": settings.POLICY_CHANGE_NOTICE_DAYS, "date": when(earliest)}
        )
    # What the page states from now on, kept with the version; the flag follows the facts.
    version.facts = facts
    version.stores_data_abroad = bool(transfers_abroad(facts))
    version.status = PolicyVersion.Status.PUBLISHED
    version.published_at = now
    version.effective_at = effective_at
    version.published_by = actor.user
    version.full_clean()
    version.save(
        update_fields=[
            "status",
            "published_at",
            "effective_at",
            "published_by",
            "facts",
            "stores_data_abroad",
        ]
    )
    transaction.on_commit(consents_cache_clear)
    if effective_at > now:  # a later version: its notice goes out from the worker
        pk = version.pk
        transaction.on_commit(lambda: jobs.enqueue(jobs.POLICY_CHANGE_NOTICES, pk))
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
