"""The DPO's admin home: what needs doing now, and pictures of consent, retention and access."""

import datetime
from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.consents.models import ConsentEvent, Purpose
from customers.models import (
    Customer,
    DataRequest,
    DestructionList,
    ErasureCertificate,
    Incident,
    Recipient,
)
from customers.requests.deadlines import add_working_days
from dpo.charts import bar_chart
from dpo.models import AccessAlert, DossierVersion, UpdateClock
from dpo.selectors import profile, subjects_ever_processed
from dpo.services.alerts import customers_seen_per_day
from dpo.sme import sme_status

GREEN, RED, BLUE, GREY = "#15803d", "#b91c1c", "#1d4ed8", "#6b7280"
INCIDENT_HOURS = 72


def _months(today, count=12):
    first = today.replace(day=1)
    months = []
    for _month in range(count):
        months.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]


def _days(today, count):
    return [today - datetime.timedelta(days=n) for n in range(count - 1, -1, -1)]


def next_deadline(request) -> tuple:
    """(date, what) of an open request's next legal deadline: its acknowledgement (two working
    days) while it is not acknowledged, else its answer (the extended date once extended)."""
    ack = request.acknowledge_by
    if request.acknowledged_at is None and ack and ack < request.deadline:
        return ack, _("acknowledge")
    return request.deadline, _("answer")


def requests_panel(today):
    open_requests = DataRequest.objects.filter(status__in=DataRequest.OPEN)
    soon = add_working_days(today, 2)
    rows = []
    for r in open_requests.only(
        "reference", "kind", "due_on", "extended_until", "status", "acknowledge_by",
        "acknowledged_at",
    ).order_by("due_on"):  # fmt: skip
        due, what = next_deadline(r)
        rows.append({"request": r, "due": due, "what": what})
    rows.sort(key=lambda row: row["due"])
    year_start = today.replace(month=1, day=1)
    answered = DataRequest.objects.filter(closed_at__date__gte=year_start)
    late = [
        r
        for r in answered.only("reference", "due_on", "extended_until", "closed_at")
        if timezone.localtime(r.closed_at).date() > r.deadline
    ]
    return {
        "due_soon": [row for row in rows if today <= row["due"] <= soon],
        "overdue": [row for row in rows if row["due"] < today],
        "late_this_year": late,
    }


def incidents_panel(now):
    rows = []
    for incident in Incident.objects.filter(
        status__in=[Incident.Status.DRAFT, Incident.Status.OPEN, Incident.Status.NOTIFIED]
    ):
        elapsed = (now - incident.detected_at).total_seconds() / 3600
        rows.append(
            {
                "incident": incident,
                "elapsed": round(elapsed),
                "left": round(INCIDENT_HOURS - elapsed),
                "notified": incident.authority_notified_at is not None,
                "percent": min(100, int(100 * elapsed / INCIDENT_HOURS)),
            }
        )
    return rows


def consent_charts(today):
    months = _months(today)
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(months[0], datetime.time.min), tz)
    counts = defaultdict(int)
    rows = (
        ConsentEvent.objects.filter(created_at__gte=start)
        .annotate(month=TruncMonth("created_at", tzinfo=tz))
        .values("purpose", "action", "month")
        .annotate(n=Count("id"))
        .values_list("purpose", "action", "month", "n")
    )
    for purpose, action, month, n in rows:
        month = month.date() if isinstance(month, datetime.datetime) else month
        counts[purpose, action, month] += n
    labels = [f"{m:%m/%y}" for m in months]
    charts = []
    for purpose in Purpose.objects.filter(optional=True, active=True):
        granted = [counts[purpose.pk, "granted", m] for m in months]
        withdrawn = [counts[purpose.pk, "withdrawn", m] for m in months]
        charts.append(
            {
                "svg": bar_chart(
                    title=purpose.name(),
                    labels=labels,
                    series=[(_("Granted"), GREEN, granted), (_("Withdrawn"), RED, withdrawn)],
                ),
                "rows": list(zip(labels, granted, withdrawn, strict=True)),
            }
        )
    return charts


def _per_day(queryset, field, days, amount=None):
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(days[0], datetime.time.min), tz)
    found = defaultdict(int)
    rows = queryset.filter(**{f"{field}__gte": start}).annotate(day=TruncDate(field, tzinfo=tz))
    if amount:
        for day, value in rows.values_list("day", amount):
            found[day] += len(value or [])
    else:
        for day, n in rows.values("day").annotate(n=Count("id")).values_list("day", "n"):
            found[day] += n
    return [found[d] for d in days]


def retention_chart(today):
    days = _days(today, 30)
    notified = _per_day(Customer.objects.all(), "erasure_notice_sent_at", days)
    erased = _per_day(ErasureCertificate.objects.all(), "erased_at", days)
    proposed = _per_day(DestructionList.objects.all(), "proposed_at", days, amount="document_ids")
    labels = [f"{d:%d/%m}" for d in days]
    return {
        "svg": bar_chart(
            title=_("Retention: the last 30 days"),
            labels=labels,
            series=[
                (_("Told before erasure"), BLUE, notified),
                (_("Erased"), RED, erased),
                (_("Documents proposed for destruction"), GREY, proposed),
            ],
        ),
        "rows": list(zip(labels, notified, erased, proposed, strict=True)),
    }


def access_charts(today, *, actor, days=14, staff=6):
    from django.contrib.auth import get_user_model

    dates = _days(today, days)
    counts = customers_seen_per_day(since=dates[0], until=today, actor=actor)
    totals = defaultdict(int)
    for (actor, _day), n in counts.items():
        totals[actor] += n
    busiest = sorted(totals, key=totals.get, reverse=True)[:staff]
    names = dict(get_user_model().objects.filter(pk__in=busiest).values_list("pk", "username"))
    labels = [f"{d:%d/%m}" for d in dates]
    charts = []
    for actor in busiest:
        values = [counts.get((actor, d), 0) for d in dates]
        charts.append(
            {
                "svg": bar_chart(
                    title=names.get(actor, str(actor)),
                    labels=labels,
                    series=[(_("Customers looked at per day"), BLUE, values)],
                ),
                "rows": list(zip(labels, values, strict=True)),
            }
        )
    return charts


def transfer_warnings():
    """Recipients hosted abroad that no filed cross-border assessment covers."""
    filed = (
        DossierVersion.objects.filter(kind="tia", status=DossierVersion.Status.FILED)
        .order_by("-filed_on")
        .first()
    )
    covered = {r["name"] for r in (filed.facts.get("abroad", []) if filed else [])}
    return list(
        Recipient.objects.filter(hosted_in=Recipient.Hosting.ABROAD, ended_on__isnull=True)
        .exclude(name__in=covered)
        .values_list("name", flat=True)
    )


def dashboard_context(*, actor, now=None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    prof = profile()
    latest = {}
    for version in DossierVersion.objects.defer("facts").order_by("kind", "-number"):
        latest.setdefault(version.kind, version)
    return {
        "dpo_requests": requests_panel(today),
        "dpo_incidents": incidents_panel(now),
        "dpo_clocks": UpdateClock.objects.filter(closed_at__isnull=True).order_by("due_on"),
        "dpo_sme": sme_status(profile=prof, subjects=subjects_ever_processed(prof), today=today),
        "dpo_transfer_warnings": transfer_warnings(),
        "dpo_alerts": AccessAlert.objects.select_related("actor").order_by("-day")[:10],
        "dpo_consent_charts": consent_charts(today),
        "dpo_retention_chart": retention_chart(today),
        "dpo_access_charts": access_charts(today, actor=actor),
        "dpo_dossiers": [latest[k] for k in DossierVersion.Kind.values if k in latest],
        "dpo_today": today,
    }
