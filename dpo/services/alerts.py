"""Access anomalies: a staff member who looks at far more customers in a day than their own
usual (more than FACTOR × their 30-day median and at least MINIMUM) is listed and the DPO is
mailed, once per person and day."""

import datetime
import statistics
from collections import defaultdict

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Func, IntegerField, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from customers.core.actors import Actor
from customers.models import AccessLogEntry
from dpo.models import AccessAlert
from dpo.services.notify import dpo_mail

FACTOR = 5
MINIMUM = 50
HISTORY_DAYS = 30
ACTOR = Actor.system("access alerts")


def _customers_in_entry():
    function = "jsonb_array_length" if connection.vendor == "postgresql" else "json_array_length"
    return Func(F("customer_ids"), function=function, output_field=IntegerField())


def customers_seen_per_day(*, since: datetime.date, until: datetime.date, actor) -> dict:
    """{(actor id, day): customers looked at} for staff (the system's own processing is not
    a look). A customer seen twice counts twice: the usual is counted the same way. Read
    from the access log, so only for those who may read it."""
    Actor.of(actor).require("customers.view_accesslogentry")
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min), tz)
    end = timezone.make_aware(datetime.datetime.combine(until, datetime.time.max), tz)
    rows = (
        AccessLogEntry.objects.filter(at__range=(start, end), actor__isnull=False)
        .exclude(action=AccessLogEntry.Action.PROCESS)
        .annotate(day=TruncDate("at", tzinfo=tz))
        .values("actor", "day")
        .annotate(n=Sum(_customers_in_entry()))
        .values_list("actor", "day", "n")
    )
    return {(actor, day): n or 0 for actor, day, n in rows}


def access_alerts_detect(*, day: datetime.date | None = None) -> list[AccessAlert]:

    day = day or timezone.localdate()
    counts = customers_seen_per_day(
        since=day - datetime.timedelta(days=HISTORY_DAYS), until=day, actor=ACTOR
    )
    history = defaultdict(list)
    for (actor, d), n in counts.items():
        if d != day:
            history[actor].append(n)
    raised = []
    for (actor, d), n in counts.items():
        if d != day or n < MINIMUM:
            continue
        # Days without any look are not "usual work": the median is over days worked.
        usual = statistics.median(history[actor]) if history[actor] else 0
        if n <= FACTOR * usual:
            continue
        try:
            with transaction.atomic():
                alert = AccessAlert.objects.create(
                    actor_id=actor, day=day, customers_seen=n, usual=usual
                )
        except IntegrityError:  # already raised today
            continue
        raised.append(alert)
    for alert in raised:
        body = (
            f"Nhân viên {alert.actor.get_username()} đã xem {alert.customers_seen} khách hàng "
            f"ngày {day:%d/%m/%Y}, trong khi trung vị 30 ngày của họ là {alert.usual:g}.\n"
            "Xem nhật ký truy cập trong trang quản trị.\n"
        )
        if dpo_mail(f"cảnh báo truy cập bất thường: {alert.actor.get_username()}", body):
            AccessAlert.objects.filter(pk=alert.pk).update(mailed_at=timezone.now())
    return raised
