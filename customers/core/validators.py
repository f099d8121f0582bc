"""Validation shared by the public forms, the admin and the correction requests."""

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.vn import mst


def no_control_characters(value: str, *, allow_newlines: bool = False) -> None:
    for ch in value:
        if allow_newlines and ch in "\r\n\t":
            continue
        if unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co"} and ch not in "\u200c\u200d":
            raise ValidationError(
                _("This field contains characters that cannot be stored (control characters)."),
                code="control_characters",
            )


def validate_single_line(value: str) -> None:
    no_control_characters(value)


def validate_multiline(value: str) -> None:
    no_control_characters(value, allow_newlines=True)


def validate_tax_code(value: str) -> str:
    """A Vietnamese tax code (mã số thuế): 10 digits, or 13 for a branch (0101234565-001)."""
    try:
        return mst.format(mst.validate(value))
    except InvalidChecksum as exc:
        raise ValidationError(
            _("This tax code is not valid: its check digit is wrong."), code="tax_checksum"
        ) from exc
    except InvalidLength as exc:
        raise ValidationError(
            _("A tax code has 10 digits, or 13 for a branch (for example 0101234565-001)."),
            code="tax_length",
        ) from exc
    except StdnumError as exc:
        raise ValidationError(_("This tax code is not valid."), code="tax_invalid") from exc


# A Vietnamese number typed as its ten digits, the usual case: the number
# ``phonenumbers.parse(value, "VN")`` makes of it (tests/customers/test_phone_parsing.py checks
# both agree), without its general parsing (what that saves: BENCHMARKS.md).
_VN_NATIONAL_DIGITS = re.compile(r"0[1-9][0-9]{8}")


def parse_phone(value: str) -> phonenumbers.PhoneNumber:
    """``phonenumbers.parse(value, "VN")``, sooner for ten digits starting with 0."""
    if _VN_NATIONAL_DIGITS.fullmatch(value):
        return phonenumbers.PhoneNumber(country_code=84, national_number=int(value[1:]))
    return phonenumbers.parse(value, "VN")


def validate_phone(value: str) -> str:
    """A valid phone number, Vietnamese by default; others need their +country code."""
    try:
        number = parse_phone(value)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Enter a phone number, for example 0903 123 456 or +84 903 123 456."),
            code="phone_invalid",
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "This phone number is not valid. Vietnamese numbers have 10 digits "
                "(for example 0903 123 456); numbers abroad start with + and the country code."
            ),
            code="phone_invalid",
        )
    region = "VN" if number.country_code == 84 else None
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)
