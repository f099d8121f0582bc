"""Cells a spreadsheet would run: every export (CSV and xlsx) writes text through here.

A value that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(…)`` that sends the sheet's
data elsewhere, ``=cmd|…``). Anyone can type such text into a form, a purpose name or the
reason for a reveal; prefixed with an apostrophe it stays text, as OWASP advises for CSV
injection. Numbers and dates are written as they are.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def spreadsheet_row(values) -> list:
    return [spreadsheet_safe(value) for value in values]
