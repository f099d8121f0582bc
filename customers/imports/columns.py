"""The template's columns (Vietnamese headers) and the reading of one row into what an import
writes: the customer, a service, an accounting document, consents with their proof, and
every problem found, each with its column. Values never leave this module in a message."""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from customers.core.crypto import blind_index
from customers.core.personal_data import CUSTOMER_FIELDS, normalise_email, normalise_tax_code
from customers.core.validators import (
    parse_phone,
    validate_phone,
    validate_single_line,
    validate_tax_code,
)

# (key, header in the template). Headers are matched without case, accents kept.
CUSTOMER_COLUMNS = [
    ("kind", "Loại khách hàng"),
    ("full_name", "Họ và tên"),
    ("business_name", "Tên doanh nghiệp"),
    ("tax_code", "Mã số thuế"),
    ("contact_person", "Người liên hệ"),
    ("email", "Email"),
    ("phone_mobile", "Điện thoại di động"),
    ("phone_home", "Điện thoại nhà riêng"),
    ("phone_office", "Điện thoại cơ quan"),
    ("address_home", "Địa chỉ nhà riêng"),
    ("address_office", "Địa chỉ cơ quan"),
    ("notes", "Ghi chú"),
    ("preferred_language", "Ngôn ngữ"),
    ("collected_channel", "Kênh thu thập ban đầu"),
    ("collected_on", "Ngày thu thập"),
    ("last_activity", "Hoạt động gần nhất"),
]
SERVICE_COLUMNS = [
    ("product", "Dịch vụ"),
    ("started_on", "Ngày bắt đầu dịch vụ"),
    ("ends_on", "Ngày kết thúc dịch vụ"),
]
DOCUMENT_COLUMNS = [
    ("doc_kind", "Loại chứng từ"),
    ("doc_number", "Số chứng từ"),
    ("doc_date", "Ngày chứng từ"),
    ("fiscal_year", "Năm tài chính"),
    ("amount", "Số tiền"),
    ("retention_class", "Thời hạn lưu trữ"),
]
# The purposes a file may carry consent for, each only with its proof: date, channel, words.
CONSENT_PURPOSES = [
    ("marketing_email", "Tiếp thị qua email"),
    ("marketing_sms", "Tiếp thị qua SMS"),
    ("partner_sharing", "Chia sẻ với đối tác"),
    ("reference", "Khách hàng tiêu biểu"),
]
PROOF_PARTS = [("date", "ngày đồng ý"), ("channel", "kênh"), ("wording", "nội dung đã đồng ý")]
CONSENT_COLUMNS = [
    (f"consent:{code}:{part}", f"{label}: {part_label}")
    for code, label in CONSENT_PURPOSES
    for part, part_label in PROOF_PARTS
]
COLUMNS = CUSTOMER_COLUMNS + SERVICE_COLUMNS + DOCUMENT_COLUMNS + CONSENT_COLUMNS
HEADER_OF = dict(COLUMNS)

KINDS = {"cá nhân": "individual", "individual": "individual", "doanh nghiệp": "business",
         "business": "business", "công ty": "business"}  # fmt: skip
CHANNELS = {"biểu mẫu web": "web", "web": "web", "điện thoại": "phone", "phone": "phone",
            "email": "email", "trực tiếp": "in_person", "in person": "in_person",
            "hợp đồng giấy": "paper", "giấy": "paper", "paper": "paper", "khác": "other",
            "other": "other"}  # fmt: skip
DOC_KINDS = {"hóa đơn": "invoice", "hoá đơn": "invoice", "invoice": "invoice",
             "hợp đồng": "contract", "contract": "contract", "phiếu thu": "receipt",
             "receipt": "receipt", "phiếu chi": "payment_voucher",
             "payment voucher": "payment_voucher"}  # fmt: skip
CLASSES = {"5 năm": "acc_5y", "10 năm": "acc_10y", "vĩnh viễn": "acc_permanent",
           "5 years": "acc_5y", "10 years": "acc_10y", "permanent": "acc_permanent"}  # fmt: skip
LANGUAGES = {"": "vi", "vi": "vi", "tiếng việt": "vi", "en": "en", "tiếng anh": "en",
             "english": "en"}  # fmt: skip
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")

MESSAGES = {
    "name_missing": _("The full name is missing."),
    "business_no_tax": _("A business needs its tax code."),
    "email_invalid": _("This email address is not valid."),
    "phone_invalid": _("This phone number is not valid (10 digits, or + and the country code)."),
    "tax_invalid": _("This tax code is not valid (10 or 13 digits with a correct check digit)."),
    "date_invalid": _("This date is not valid: write it as dd/mm/yyyy."),
    "date_future": _("This date is in the future."),
    "choice_invalid": _("This value is not one the template lists."),
    "text_invalid": _("This cell contains characters that cannot be stored."),
    "service_dates": _("The service ends before it starts."),
    "service_incomplete": _("A service needs its name and its start date."),
    "document_incomplete": _("An accounting document needs its kind, number and date."),
    "amount_invalid": _("This amount is not a whole number of đồng."),
    "year_invalid": _("This fiscal year is not valid."),
    "duplicate_in_file": _(
        "The same customer as row %(row)s of this file: its service and document are added "
        "to that customer."
    ),
    "consent_no_proof": _(
        "A consent without its full proof (date, channel and the words agreed to): "
        "no consent is recorded."
    ),
    "matched": _("Matches an existing customer: nothing of theirs is overwritten."),
    "document_exists": _("This accounting document is already recorded: it is skipped."),
    "header_missing": _("The file has no column “Họ và tên”: use the template."),
    "header_unknown": _("This column is not in the template: it is ignored."),
}


def _key(header: str) -> str:
    return " ".join(unicodedata.normalize("NFC", header).casefold().split())


BY_HEADER = {_key(header): key for key, header in COLUMNS}


def map_header(row: list[str]) -> tuple[dict[int, str], list[str]]:
    """{cell index: column key} and the headers not in the template."""
    mapping, unknown = {}, []
    for index, header in enumerate(row):
        key = BY_HEADER.get(_key(header))
        if key:
            mapping[index] = key
        elif header:
            unknown.append(header)
    return mapping, unknown


@dataclass
class Issue:
    column: str
    level: str
    code: str
    params: dict = field(default_factory=dict)


@dataclass
class ParsedRow:
    number: int
    values: dict = field(default_factory=dict)  # customer fields
    indexes: dict = field(default_factory=dict)  # blind indexes of those fields
    collected_channel: str = ""
    collected_on: datetime.date | None = None
    last_activity: datetime.date | None = None
    service: dict | None = None
    document: dict | None = None
    consents: list = field(default_factory=list)  # (purpose code, date, channel, wording)
    normalised: dict = field(default_factory=dict)  # what the blind indexes are made of
    issues: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(issue.level == "error" for issue in self.issues)

    def error(self, key, code, **params):
        self.issues.append(Issue(key, "error", code, params))

    def warn(self, key, code, **params):
        self.issues.append(Issue(key, "warning", code, params))


DAY_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_date(text: str, today: datetime.date) -> datetime.date:
    parts = DAY_MONTH_YEAR.fullmatch(text)
    if parts:  # the usual way, read without strptime (a hundred thousand rows, five dates each)
        day, month, year = (int(part) for part in parts.groups())
        try:
            value = datetime.date(year, month, day)
        except ValueError:
            raise ValueError("invalid") from None
        if value > today:
            raise ValueError("future")
        return value
    for fmt in DATE_FORMATS:
        try:
            value = datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
        if value > today:
            raise ValueError("future")
        return value
    raise ValueError("invalid")


def _date(row: ParsedRow, cells: dict, key: str, today, *, future_ok=False):
    text = cells.get(key, "")
    if not text:
        return None
    try:
        return parse_date(text, datetime.date.max if future_ok else today)
    except ValueError as exc:
        row.error(key, "date_future" if str(exc) == "future" else "date_invalid")
        return None


def _choice(row: ParsedRow, cells: dict, key: str, choices: dict, default=""):
    text = _key(cells.get(key, ""))
    if not text:
        return default
    if text not in choices:
        row.error(key, "choice_invalid")
        return default
    return choices[text]


def _customer(row: ParsedRow, cells: dict) -> None:
    values = {}
    for key in ("full_name", "business_name", "contact_person", "address_home",
                "address_office", "notes"):  # fmt: skip
        text = cells.get(key, "")
        try:
            validate_single_line(text) if key != "notes" else None
        except ValidationError:
            row.error(key, "text_invalid")
        values[key] = text
    if not values["full_name"]:
        row.error("full_name", "name_missing")
    kind = _choice(row, cells, "kind", KINDS, default="")
    values["kind"] = kind or ("business" if values["business_name"] else "individual")
    tax = cells.get("tax_code", "")
    if tax:
        try:
            tax = validate_tax_code(tax)
        except ValidationError:
            row.error("tax_code", "tax_invalid")
    elif values["kind"] == "business":
        row.error("tax_code", "business_no_tax")
    values["tax_code"] = tax
    normalised = {"tax_code": normalise_tax_code(tax) if tax else ""}
    email = cells.get("email", "")
    if email:
        email = email.lower() if "@" in email else email
        try:
            validate_email(email)
        except ValidationError:
            row.error("email", "email_invalid")
        normalised["email"] = normalise_email(email)
    values["email"] = email
    for key in ("phone_mobile", "phone_home", "phone_office"):
        phone = cells.get(key, "")
        if phone:
            try:
                written = validate_phone(phone)
            except ValidationError:
                row.error(key, "phone_invalid")
            else:
                # The E.164 form the blind index is made of (``normalise_phone``), from the
                # number as typed: for ten digits, without the general parser.
                normalised[key] = phonenumbers.format_number(
                    parse_phone(phone), phonenumbers.PhoneNumberFormat.E164
                )
                phone = written
        values[key] = phone
    row.normalised = normalised
    values["preferred_language"] = _choice(row, cells, "preferred_language", LANGUAGES, "vi")
    row.values = values


def _service(row: ParsedRow, cells: dict, today) -> None:
    product = cells.get("product", "")
    started = _date(row, cells, "started_on", today)
    ends = _date(row, cells, "ends_on", today, future_ok=True)
    if not product and not started and not ends:
        return
    if not product or not started:
        row.error("product" if not product else "started_on", "service_incomplete")
        return
    if ends and ends < started:
        row.error("ends_on", "service_dates")
        return
    row.service = {"product": product[:200], "started_on": started, "ends_on": ends}


def _document(row: ParsedRow, cells: dict, today) -> None:
    keys = [key for key, _header in DOCUMENT_COLUMNS]
    if not any(cells.get(key) for key in keys):
        return
    kind = _choice(row, cells, "doc_kind", DOC_KINDS)
    number = cells.get("doc_number", "")[:50]
    issued = _date(row, cells, "doc_date", today)
    if not kind or not number or not issued:
        if row.ok:
            row.error("doc_number" if not number else "doc_kind", "document_incomplete")
        return
    try:
        amount = Decimal(cells.get("amount", "0").replace(".", "").replace(",", "") or "0")
        if amount != amount.to_integral_value() or abs(amount) >= 10**15:
            raise InvalidOperation
    except InvalidOperation:
        row.error("amount", "amount_invalid")
        return
    year_text = cells.get("fiscal_year", "")
    year = issued.year
    if year_text:
        if not year_text.isdigit() or not 1990 <= int(year_text) <= today.year:
            row.error("fiscal_year", "year_invalid")
            return
        year = int(year_text)
    retention = _choice(row, cells, "retention_class", CLASSES, "acc_10y")
    row.document = {"kind": kind, "number": number, "issued_on": issued, "fiscal_year": year,
                    "amount": amount, "retention_class": retention}  # fmt: skip


def _consents(row: ParsedRow, cells: dict, today) -> None:
    for code, _label in CONSENT_PURPOSES:
        parts = {part: cells.get(f"consent:{code}:{part}", "") for part, _p in PROOF_PARTS}
        if not any(parts.values()):
            continue
        column = f"consent:{code}:date"
        if not all(parts.values()):
            row.warn(column, "consent_no_proof")
            continue
        try:
            given = parse_date(parts["date"], today)
        except ValueError:
            row.warn(column, "consent_no_proof")
            continue
        row.consents.append((code, given, parts["channel"][:60], parts["wording"]))


def parse_row(number: int, cells: dict, *, today: datetime.date) -> ParsedRow:
    """``cells``: {column key: text} of one data row (``number`` as the file counts it)."""
    row = ParsedRow(number=number)
    _customer(row, cells)
    row.collected_channel = _choice(row, cells, "collected_channel", CHANNELS)
    row.collected_on = _date(row, cells, "collected_on", today)
    row.last_activity = _date(row, cells, "last_activity", today)
    _service(row, cells, today)
    _document(row, cells, today)
    _consents(row, cells, today)
    if row.ok:
        row.indexes = {
            INDEX_OF[name]: blind_index(value) for name, value in row.normalised.items() if value
        }
    return row


INDEX_OF = {f.name: f.blind_index for f in CUSTOMER_FIELDS if f.blind_index}
