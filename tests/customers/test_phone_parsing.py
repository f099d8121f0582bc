"""A phone number typed as ten digits is read without phonenumbers' general parser: what it
makes of the number, its validity and the stored form, must be what the parser gives."""

import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from customers.core.validators import parse_phone, validate_phone

TEN_DIGITS = st.from_regex(r"0[1-9][0-9]{8}", fullmatch=True)


def outcome(value, number):
    """Valid or not, and the stored form, as validate_phone decides them for ``number``."""
    if not phonenumbers.is_valid_number(number):
        return None
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 84
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


@given(TEN_DIGITS)
def test_ten_digits_are_read_as_the_parser_reads_them(value):
    number = parse_phone(value)
    assert number == phonenumbers.parse(value, "VN")
    assert outcome(value, number) == outcome(value, phonenumbers.parse(value, "VN"))


@pytest.mark.parametrize("prefix", [f"0{a}{b}" for a in range(1, 10) for b in range(10)])
def test_every_prefix_is_read_as_the_parser_reads_it(prefix):
    # Each two-digit area or network prefix, with numbers spread over its range.
    for tail in ("0000000", "1234567", "5550123", "9999999"):
        value = prefix + tail
        assert parse_phone(value) == phonenumbers.parse(value, "VN"), value


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0903123456", "0903 123 456"),
        ("0903 123 456", "0903 123 456"),
        ("+84 903 123 456", "0903 123 456"),
        ("0243 123 4567", "024 3123 4567"),
        ("+1 650 253 0000", "+1 650-253-0000"),
        ("090312345６", "0903 123 456"),  # a full-width digit: the general parser reads it
    ],
)
def test_numbers_are_stored_in_one_form_however_typed(typed, stored):
    assert validate_phone(typed) == stored


@pytest.mark.parametrize("typed", ["0012345678", "0203123456", "0903", "phone"])
def test_what_is_not_a_number_is_refused(typed):
    with pytest.raises(ValidationError):
        validate_phone(typed)
