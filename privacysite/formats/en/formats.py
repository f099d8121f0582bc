"""English pages write dates and times as the Vietnamese ones do (16/12/2026, 16/12/2026 21:05):
one way of writing a date for people, whatever the language (Django's English default,
12/16/2026, reads as another day here). Numbers keep English separators (32,300,000), so
only the date and time formats are taken from the Vietnamese file."""

from privacysite.formats.vi.formats import (  # noqa: F401  (read by Django by name)
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    DATETIME_INPUT_FORMATS,
    FIRST_DAY_OF_WEEK,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
    TIME_INPUT_FORMATS,
    YEAR_MONTH_FORMAT,
)
