"""Form fields for personal data, shared by the public forms, the admin and corrections, so
that every way in validates and normalises the same way."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.core.validators import validate_phone, validate_tax_code


class PhoneField(forms.CharField):
    """A phone number (Vietnamese by default), stored in its national or + form."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return validate_phone(value) if value else ""


class TaxCodeField(forms.CharField):
    """A Vietnamese tax code checked with python-stdnum, stored as 0101234567[-001]."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", _("Tax code (mã số thuế)"))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return validate_tax_code(value) if value else ""


class EmailAddressField(forms.EmailField):
    """One spelling per address (lower case), so that the blind index and the value agree."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(value).lower()
