"""Legal clocks for customer requests (Decree 356/2025 Art 5; docs/legal.md §3.5 and §4).

"02 ngày làm việc" counts working days: Monday to Friday, without Vietnamese public
holidays (the ``holidays`` package, Tết included). The other periods are calendar days.
"""

import datetime
from functools import lru_cache

import holidays
from django.conf import settings


@lru_cache(maxsize=8)
def _vn_holidays(year: int):
    return holidays.VN(years=[year, year + 1])


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _vn_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (the day of receipt does not count)."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def request_deadlines(kind: str, received: datetime.date, *, processor_involved: bool = False):
    """(acknowledge by, complete by) for a request of ``kind`` received on ``received``."""
    rule = settings.REQUEST_DEADLINES[kind]
    ack = add_working_days(received, settings.REQUEST_ACKNOWLEDGE_WORKING_DAYS)
    days = rule["processor_days"] if processor_involved else rule["days"]
    return ack, received + datetime.timedelta(days=days)
