"""Column mapping for a file whose header row does not follow the template: a first guess
(the template's header or a common synonym, compared without case or accents), the check of
a mapping a person gives, and the company's remembered mappings, found again by a hash of the
normalised header row. Only header names are handled here, never a cell's value."""

import hashlib
import json
import unicodedata

from customers.imports.columns import BY_HEADER, COLUMNS, HEADER_OF, map_header
from customers.models import ColumnMapping

REQUIRED = ("full_name",)

# Other names earlier tools give a template column (compared folded, as below).
SYNONYMS = {
    "full_name": ["Họ tên", "Tên khách hàng", "Khách hàng", "Tên"],
    "phone_mobile": ["SĐT", "Điện thoại", "Số điện thoại", "Di động", "Số di động"],
    "tax_code": ["MST", "Mã số thuế"],
    "email": ["E-mail", "Thư điện tử"],
    "address_home": ["Địa chỉ"],
    "business_name": ["Tên công ty", "Công ty"],
}


def fold(header: str) -> str:
    """Without case, accents, "đ" or extra spaces: "Số Điện Thoại" → "so dien thoai"."""
    text = unicodedata.normalize("NFD", header.casefold().replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("-", " ").split())


GUESSES = {fold(header): key for key, header in COLUMNS}
for _column, _names in SYNONYMS.items():
    for _name in _names:
        GUESSES.setdefault(fold(_name), _column)


class NeedsMapping(Exception):
    """The header row does not follow the template and no mapping is remembered for it."""

    def __init__(self, headers: list[str]):
        super().__init__("needs mapping")
        self.headers = headers


def _key(header: str) -> str:
    return " ".join(unicodedata.normalize("NFC", header).casefold().split())


def headers_key(headers: list[str]) -> str:
    normalised = [_key(h) for h in headers]
    return hashlib.sha256(json.dumps(normalised, ensure_ascii=False).encode()).hexdigest()


def follows_template(headers: list[str]) -> bool:
    """Every named column is the template's, and the required ones are there."""
    found = {BY_HEADER.get(_key(h)) for h in headers if h}
    return None not in found and all(key in found for key in REQUIRED)


def guess(headers: list[str]) -> dict[str, str]:
    """{template column key: the file's header} for the headers recognised."""
    guessed: dict[str, str] = {}
    for header in headers:
        key = GUESSES.get(fold(header)) if header else None
        if key and key not in guessed:
            guessed[key] = header
    return guessed


def check(mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
    """The mapping without its empty choices; ValueError if it names a column the template
    lacks or a header the file lacks, uses a header twice, or leaves a required column out."""
    cleaned = {key: header for key, header in mapping.items() if header}
    if any(key not in HEADER_OF for key in cleaned):
        raise ValueError("unknown column")
    if any(header not in headers for header in cleaned.values()):
        raise ValueError("unknown header")
    if len(set(cleaned.values())) != len(cleaned):
        raise ValueError("header used twice")
    if any(key not in cleaned for key in REQUIRED):
        raise ValueError("required column missing")
    return cleaned


def remembered(headers: list[str]) -> ColumnMapping | None:
    return ColumnMapping.objects.filter(headers_key=headers_key(headers)).first()


def by_index(mapping: dict[str, str], headers: list[str]) -> dict[int, str]:
    """{cell index: column key}, as ``columns.map_header`` gives for a template file."""
    index_of = {header: index for index, header in enumerate(headers)}
    return {index_of[header]: key for key, header in mapping.items() if header in index_of}


def unmatched(headers: list[str]) -> list[str]:
    return [h for h in headers if h and BY_HEADER.get(_key(h)) is None]


def columns_for(batch, headers: list[str]) -> tuple[dict[int, str], list[str]]:
    """{cell index: column key} and the headers left out, for this batch's file: the template's
    own, else the batch's mapping, else the company's remembered one (then recorded on the
    batch); NeedsMapping if there is none."""
    if batch.column_mapping_id is None and follows_template(headers):
        return map_header(headers)
    if batch.column_mapping_id is None:
        found = remembered(headers)
        if found is None:
            if not any(headers):
                return {}, []
            raise NeedsMapping(headers)
        batch.column_mapping = found
        batch.file_headers = headers
        batch.save(update_fields=["column_mapping", "file_headers"])
    mapping = batch.column_mapping.mapping
    used = set(mapping.values())
    return by_index(mapping, headers), [h for h in headers if h and h not in used]
