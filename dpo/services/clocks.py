"""Update clocks (Law 91 Art 22; Decree 356 Art 20): a new purpose, recipient or personal
field since the last filed DPIA starts the 6-month clock; a declared reorganisation or change
of DPO provider starts the 10-day one. Filing a new DPIA or TIA closes them."""

import datetime
import logging

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone

from customers.core.actors import Actor
from dpo import facts as dossier_facts
from dpo.models import ComplianceProfile, DossierVersion, UpdateClock
from dpo.selectors import MissingFact, last_filed, profile, subjects_ever_processed
from dpo.services.notify import dpo_mail

logger = logging.getLogger(__name__)
SIX_MONTHS = relativedelta(months=6)
TEN_DAYS = datetime.timedelta(days=10)
ACTOR = Actor.system("update clocks")


def _six_month_due(started: datetime.date) -> datetime.date:
    """The next six-monthly date counted from the first filing (or from the start)."""
    first = (
        DossierVersion.objects.filter(kind="dpia", status=DossierVersion.Status.FILED)
        .order_by("filed_on")
        .values_list("filed_on", flat=True)
        .first()
    )
    if not first:
        return started + SIX_MONTHS
    due, step = first, 1
    while due <= started:
        due = first + relativedelta(months=6 * step)
        step += 1
    return due


def clock_start(
    *, kind: str, reason: str, actor, trigger_key: str = "", now=None
) -> UpdateClock | None:
    """Start a clock; a second start for the same open trigger does nothing."""
    Actor.of(actor).require("dpo.add_updateclock")
    now = now or timezone.now()
    if (
        trigger_key
        and UpdateClock.objects.filter(trigger_key=trigger_key, closed_at__isnull=True).exists()
    ):
        return None
    today = timezone.localdate(now)
    due = today + TEN_DAYS if kind == UpdateClock.Kind.TEN_DAYS else _six_month_due(today)
    clock = UpdateClock(
        kind=kind, reason=reason, trigger_key=trigger_key, started_at=now, due_on=due
    )
    clock.full_clean()
    try:
        with transaction.atomic():
            clock.save()
    except IntegrityError:  # a concurrent check started it first
        return None
    return clock


def clocks_check(*, now=None) -> list[UpdateClock]:
    """Compare the live data with the last filed DPIA; start a 6-month clock per new item."""

    filed = last_filed("dpia")
    if not filed:
        return []
    started = []
    current = dossier_facts.build("ropa")
    for change in dossier_facts.changes(filed.facts, current):
        if change.startswith(("Mục đích mới", "Bên nhận mới", "Trường dữ liệu cá nhân mới")):
            clock = clock_start(
                kind=UpdateClock.Kind.SIX_MONTHS,
                reason=change,
                actor=ACTOR,
                trigger_key=f"6m:{filed.pk}:{change}"[:200],
                now=now,
            )
            if clock:
                started.append(clock)
    return started


def clocks_close_by_filing(*, version: DossierVersion) -> int:
    if version.kind not in ("dpia", "tia"):
        return 0
    return UpdateClock.objects.filter(
        closed_at__isnull=True, started_at__lte=version.generated_at
    ).update(closed_at=timezone.now(), closed_by=version)


def clocks_due_reminders(*, today=None) -> list[UpdateClock]:
    """Open clocks to remind the DPO of today: weekly, and daily in the last 10 days."""
    today = today or timezone.localdate()
    due = []
    for clock in UpdateClock.objects.filter(closed_at__isnull=True):
        days_left = (clock.due_on - today).days
        last = clock.reminded_on
        if last == today:
            continue
        if days_left <= 10 or last is None or (today - last).days >= 7:
            due.append(clock)
    return due


def clocks_remind(*, today=None) -> int:
    """Mail the DPO about each open clock that is due a reminder; once a day at most."""

    today = today or timezone.localdate()
    clocks = clocks_due_reminders(today=today)
    if not clocks:
        return 0
    lines = [
        f"- {clock.get_kind_display()}: hạn {clock.due_on:%d/%m/%Y} "
        f"(còn {(clock.due_on - today).days} ngày). {clock.reason}"
        for clock in clocks
    ]
    dpo_mail(
        f"cập nhật hồ sơ DPIA/TIA: {len(clocks)} đồng hồ đang chạy",
        "Hồ sơ đánh giá tác động cần cập nhật (Luật 91/2025 Điều 22):\n" + "\n".join(lines) + "\n",
    )
    UpdateClock.objects.filter(pk__in=[c.pk for c in clocks]).update(reminded_on=today)
    return len(clocks)


def clocks_update_daily(*, now=None) -> dict:
    """Beat's daily run: keep the subject counter's high-water mark (the SME exemption reads
    it), start clocks for changes since the last filed DPIA, remind the DPO of open clocks.
    Idempotent within a day. Returns the counts (no personal data)."""
    prof = profile()
    subjects = subjects_ever_processed(prof)
    ComplianceProfile.objects.filter(pk=prof.pk, subjects_counted__lt=subjects).update(
        subjects_counted=subjects
    )
    try:
        started = len(clocks_check(now=now))
    except MissingFact:  # the dossier cannot be built yet: the DPO sees why on the dashboard
        started = 0
        logger.warning("dpo.clocks_check_skipped reason=missing_fact")
    today = timezone.localdate(now) if now else None
    reminded = clocks_remind(today=today)
    return {"started": started, "reminded": reminded, "subjects": subjects}
