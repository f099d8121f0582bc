"""Import files as the company's earlier tools write them: xlsx (openpyxl) and CSV in the
encodings Vietnamese Excel uses, from rows given as {column key: value}."""

import csv
import io
import unicodedata

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from stdnum.vn import mst

from customers.imports.columns import COLUMNS
from demo.factories import valid_tax_code

HEADERS = [header for _key, header in COLUMNS]
KEYS = [key for key, _header in COLUMNS]


def _valid_tax_code() -> str:
    # demo's generator now and then gives a base whose check digit does not exist
    while not mst.is_valid(code := valid_tax_code()):
        pass
    return code


TAX_CODE = _valid_tax_code()


def good_row(n: int, **extra) -> dict:
    row = {
        "full_name": f"Nguyễn Văn Khách {n}",
        "email": f"khach{n}@example.vn",
        "phone_mobile": f"0903{n:06d}",
        "collected_channel": "Hợp đồng giấy",
        "collected_on": "15/03/2024",
        "last_activity": "01/10/2026",
        "product": "Lưu trữ web",
        "started_on": "15/03/2024",
        "ends_on": "15/03/2027",
        "doc_kind": "Hóa đơn",
        "doc_number": f"HD-{n:06d}",
        "doc_date": "20/03/2024",
        "fiscal_year": "2024",
        "amount": "1.200.000",
        "retention_class": "10 năm",
    }
    row.update(extra)
    return row


def bad_rows() -> list[dict]:
    return [
        good_row(901, email="không-phải-email"),
        good_row(902, phone_mobile="12345"),
        good_row(903, kind="Doanh nghiệp", business_name="Công ty Không Mã"),  # no tax code
        good_row(904, kind="Doanh nghiệp", business_name="Công ty Sai Mã", tax_code="0101234568"),
        good_row(905, collected_on="31/02/2024"),
    ]


def cells(row: dict) -> list:
    return [row.get(key, "") for key in KEYS]


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(cells(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_text(rows, delimiter=",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow(cells(row))
    return out.getvalue()


def to_cp1258(text: str) -> bytes:
    """As Windows-1258 writes Vietnamese: base letters (ê, ơ, ă...) precomposed where the
    code page has them, tone marks as separate combining characters."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            ch.encode("cp1258")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        for mark in list(marks):
            joined = unicodedata.normalize("NFC", base + mark)
            if len(joined) == 1:
                try:
                    joined.encode("cp1258")
                except UnicodeEncodeError:
                    continue
                base = joined
                marks.remove(mark)
        out.append(base + "".join(marks))
    return "".join(out).encode("cp1258")


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")
