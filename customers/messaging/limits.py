"""Quiet hours and daily caps on contacting customers (Decree 91/2020; docs/legal.md §9):
SMS only 07:00-22:00 and calls only 08:00-17:00 (Viet Nam time), at most 3 marketing emails
or SMS and 1 call per recipient in 24 hours."""

import datetime

from django.utils import timezone

from customers.models import Message

DAILY_CAP = {Message.Channel.EMAIL: 3, Message.Channel.SMS: 3, Message.Channel.CALL: 1}
WINDOWS = {Message.Channel.SMS: (7, 22), Message.Channel.CALL: (8, 17)}


def next_allowed_time(channel: str, when: datetime.datetime) -> datetime.datetime:
    """``when`` if the channel may be used then, else the start of its next window."""
    if channel not in WINDOWS:
        return when
    start, end = WINDOWS[channel]
    local = timezone.localtime(when)
    if start <= local.hour < end:
        return when
    day = local.date() if local.hour < start else local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(start)))


def over_daily_cap(customer_id: int, channel: str, marketing_codes, now) -> bool:
    sent = (
        Message.objects.filter(
            customer_id=customer_id,
            channel=channel,
            purpose__in=marketing_codes,
            created_at__gte=now - datetime.timedelta(hours=24),
        )
        .exclude(status=Message.Status.HELD)
        .count()
    )
    return sent >= DAILY_CAP[channel]
