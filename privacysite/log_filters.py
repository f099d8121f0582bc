"""A logging filter that keeps personal data out of log lines, whatever a library writes.

Our own log lines carry event names and ids only; this is the second line of defence for
messages from libraries (e.g. an exception that quotes a value)."""

import logging
import re

PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "<email>"),
    (re.compile(r"(?<!\d)(\+?84|0)(\s?\d){8,10}(?!\d)"), "<phone>"),
    (re.compile(r"(?<!\d)\d{10}(-\d{3})?(?!\d)"), "<number>"),
]


def redact(text: str) -> str:
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactPersonalData(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
