"""Dossier versions: generate from the live data, review, sign off (DPO), file."""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.core.actors import Actor
from dpo import facts as dossier_facts
from dpo import filing, render
from dpo.models import DossierVersion
from dpo.selectors import last_filed
from dpo.services.clocks import clocks_close_by_filing
from dpo.services.inspection import inspection_pack

EXTENSIONS = {"dpia": "pdf", "tia": "pdf", "ropa": "xlsx", "inspection": "zip"}


def _content(kind, facts, number, changes, filed, actor):
    if kind == "ropa":
        return render.xlsx(facts, version=number)
    if kind == "inspection":
        # The pack holds the current dossiers, each generated as a version of its own.
        kinds = ["dpia", "ropa"] + (
            ["tia"] if any(r["abroad"] for r in facts["recipients"]) else []
        )
        files = []
        for sub_kind in kinds:
            version = dossier_generate(kind=sub_kind, actor=actor)
            with version.file.open("rb") as f:
                files.append((version.filename, f.read()))
        return inspection_pack(facts=facts, number=number, actor=actor, dossiers=files)
    return render.pdf(kind, facts, version=number, changes=changes, last_filed=filed)


def dossier_generate(*, kind: str, actor=None) -> DossierVersion:
    """Build the next version of ``kind`` from the live data and keep it with its facts.

    Raises ``dpo.selectors.MissingFact`` (a clear, bilingual message) when something the
    dossier needs is not set; nothing is saved then.
    """
    actor = Actor.of(actor).require("dpo.add_dossierversion")
    if kind not in EXTENSIONS:
        raise ValueError(kind)
    facts = dossier_facts.build(kind)
    filed = last_filed(kind)
    changes = dossier_facts.changes(filed.facts, facts) if filed else []
    for _attempt in range(3):
        number = (DossierVersion.objects.filter(kind=kind).aggregate(n=Max("number"))["n"] or 0) + 1
        content = _content(kind, facts, number, changes, filed, actor)
        version = DossierVersion(
            kind=kind,
            number=number,
            facts=facts,
            changes=changes,
            sha256=hashlib.sha256(content).hexdigest(),
            generated_by=actor.user,
        )
        version.file.save(f"{kind}-v{number}.{EXTENSIONS[kind]}", ContentFile(content), save=False)
        try:
            with transaction.atomic():
                version.save()
            return version
        except IntegrityError:  # another generation took this number meanwhile
            version.file.delete(save=False)
    raise RuntimeError("could not allocate a dossier version number")


def _move(version, *, expect, to, **values):
    """Guarded transition: only from ``expect``; a repeat does nothing."""
    with transaction.atomic():
        current = DossierVersion.objects.select_for_update().get(pk=version.pk)
        if current.status == to:
            return current
        if current.status not in expect:
            raise ValidationError(
                _("Version %(version)s is %(status)s: it cannot be moved to %(to)s.")
                % {
                    "version": current,
                    "status": current.get_status_display(),
                    "to": DossierVersion.Status(to).label,
                }
            )
        for name, value in values.items():
            setattr(current, name, value)
        current.status = to
        current.full_clean(exclude=["file"])
        current.save(update_fields=["status", *values])
    return current


def dossier_review(*, version: DossierVersion, actor) -> DossierVersion:
    actor = Actor.of(actor).require("dpo.change_dossierversion")
    return _move(
        version,
        expect={DossierVersion.Status.GENERATED},
        to=DossierVersion.Status.REVIEWED,
        reviewed_by=actor.user,
        reviewed_at=timezone.now(),
    )


def missing_parts(version: DossierVersion) -> list[str]:
    """The required parts a DPIA or TIA version lacks, each named with where the DPO fills it
    in (read from the facts it was generated from: fill in, then generate a new version)."""
    return filing.missing(version.kind, version.facts or {})


def _complete(version: DossierVersion, *, to_file: bool) -> None:
    missing = missing_parts(version)
    if missing:
        message = (
            _("%(version)s cannot be filed: it lacks %(missing)s. Then generate a new version.")
            if to_file
            else _(
                "%(version)s cannot be signed off: it lacks %(missing)s. Then generate a new "
                "version."
            )
        )
        raise ValidationError(message % {"version": version, "missing": "; ".join(missing)})


def dossier_sign(*, version: DossierVersion, actor) -> DossierVersion:
    actor = Actor.of(actor).require("dpo.sign_dossierversion")
    _complete(version, to_file=False)
    return _move(
        version,
        expect={DossierVersion.Status.REVIEWED},
        to=DossierVersion.Status.SIGNED,
        signed_by=actor.user,
        signed_at=timezone.now(),
    )


def dossier_file(*, version: DossierVersion, actor, filed_on, reference: str) -> DossierVersion:
    """Record the filing with the authority; filing a DPIA or TIA closes its update clocks."""
    Actor.of(actor).require("dpo.file_dossierversion")
    reference = (reference or "").strip()
    if not reference or not filed_on:
        raise ValidationError(_("Give the date and the reference of the filing."))
    _complete(version, to_file=True)
    version = _move(
        version,
        expect={DossierVersion.Status.SIGNED},
        to=DossierVersion.Status.FILED,
        filed_on=filed_on,
        filing_reference=reference,
    )
    clocks_close_by_filing(version=version)
    return version
