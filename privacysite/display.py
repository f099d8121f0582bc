"""Numbers and money as people read them in the active language: 32.300.000 ₫ in Vietnamese,
VND 32,300,000 in English. Dates and times follow privacysite/formats/ (26/11/2026 21:05),
always in Vietnam's time (settings.TIME_ZONE)."""

import datetime
from decimal import Decimal

import phonenumbers
from django.utils import formats, numberformat, timezone
from django.utils.translation import get_language


def number(value) -> str:
    if value is None or value == "":
        return "–"
    return numberformat.format(
        Decimal(value),
        formats.get_format("DECIMAL_SEPARATOR"),
        decimal_pos=0,
        grouping=3,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def money(value) -> str:
    """Vietnamese đồng, without decimals (the đồng has no subunit in use)."""
    if value is None or value == "":
        return "–"
    shown = number(value)
    return f"VND {shown}" if (get_language() or "vi").startswith("en") else f"{shown} ₫"


def day(value) -> str:
    """A date (or the day of a date and time, in Vietnam's time): 16/12/2026."""
    if not value:
        return "–"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def when(value) -> str:
    """A date and time, in Vietnam's time."""
    if not value:
        return "–"
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def phone(value) -> str:
    """A phone number written one way, whatever way it was typed or stored: 0912 345 678 for
    a Vietnamese number, +33 1 42 68 53 00 for one abroad. What does not parse is shown as is."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "VN")
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_possible_number(number):
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 84
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
