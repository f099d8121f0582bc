"""Reading an import file row by row, never whole: xlsx through openpyxl's read-only mode
(it parses the sheet's XML as it goes), CSV through the csv module over a text stream.

A CSV's encoding is found from its first bytes: a byte-order mark says UTF-8 or UTF-16 (as
Excel's "Unicode text" writes); otherwise UTF-8 if the start decodes as UTF-8, else
Windows-1258, the Vietnamese code page of older Excel. Windows-1258 writes most tone marks
as separate combining characters, so every cell is NFC-normalised: "Nguyễn" read from it is
the same string (and the same blind index) as "Nguyễn" typed in a form.
"""

import codecs
import csv
import datetime
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

SNIFF_BYTES = 64 * 1024
XLSX_MAGIC = b"PK\x03\x04"


class UnreadableFile(Exception):
    """Not a spreadsheet we can read (the message is for the person, in their language)."""


@dataclass
class Progress:
    """How far the reader is: ``fraction`` of the file, 0 to 1 (an estimate)."""

    fraction: float = 0.0


def detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        # The sniffed slice may end inside a character: decode incrementally, unfinished.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1258"
    return "utf-8"


def clean(value) -> str:
    """A cell as text: NFC, surrounding spaces trimmed; numbers as Excel shows them."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _csv_rows(stream, progress: Progress, size: int) -> Iterator[list[str]]:
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    encoding = detect_encoding(head)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="", errors="strict")
    sample = head.decode(encoding if encoding != "utf-8" else "utf-8", errors="ignore")
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        for number, row in enumerate(csv.reader(text, dialect)):
            if number % 500 == 0 and size:
                progress.fraction = min(stream.tell() / size, 1.0)
            yield [clean(cell) for cell in row]
    except UnicodeDecodeError as exc:
        raise UnreadableFile("encoding") from exc
    progress.fraction = 1.0


def _xlsx_rows(stream, progress: Progress) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile("xlsx") from exc
    try:
        sheet = workbook.worksheets[0]
        total = sheet.max_row or 0
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number % 500 == 0 and total:
                progress.fraction = min(number / total, 1.0)
            yield [clean(cell) for cell in row]
    finally:
        workbook.close()
    progress.fraction = 1.0


def read_rows(stream, *, size: int = 0, progress: Progress | None = None) -> Iterator[list[str]]:
    """Every row of the file (the header first) as a list of cleaned strings. ``stream`` is a
    binary file open for reading; whether it is xlsx or CSV is read from its content."""
    progress = progress or Progress()
    start = stream.read(4)
    stream.seek(0)
    if start == XLSX_MAGIC:
        yield from _xlsx_rows(stream, progress)
    else:
        yield from _csv_rows(stream, progress, size)
