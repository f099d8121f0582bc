import os

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from customers.core.form_fields import EmailAddressField, PhoneField, TaxCodeField
from customers.core.validators import validate_multiline, validate_single_line
from customers.models import DataRequest
from customers.records.forms import ADDRESS_MAX, NOTES_MAX, text_field
from privacysite import display


class MyDataEmailForm(forms.Form):
    email = EmailAddressField(label=_("Your email address"))


class CorrectionForm(forms.Form):
    """The customer's own data, as it is now; what they change goes to staff as a diff."""

    full_name = text_field(_("Full name"))
    business_name = text_field(_("Business name"), required=False)
    contact_person = text_field(_("Contact person"), required=False)
    tax_code = TaxCodeField(required=False)
    email = EmailAddressField(label=_("Email"))
    phone_mobile = PhoneField(label=_("Mobile phone"), required=False)
    phone_home = PhoneField(label=_("Home phone"), required=False)
    phone_office = PhoneField(label=_("Office phone"), required=False)
    address_home = forms.CharField(
        label=_("Home address"),
        required=False,
        max_length=ADDRESS_MAX,
        validators=[validate_single_line],
    )
    address_office = forms.CharField(
        label=_("Office address"),
        required=False,
        max_length=ADDRESS_MAX,
        validators=[validate_single_line],
    )

    BUSINESS_FIELDS = ("business_name", "contact_person", "tax_code")

    def __init__(self, *args, business: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not business:  # an individual is not asked about a business's details
            for name in self.BUSINESS_FIELDS:
                del self.fields[name]

    def changes(self, customer) -> dict:
        def same(name, stored, value):
            if name.startswith("phone_"):  # 0912345678 as stored is 0912 345 678 as cleaned
                return display.phone(stored) == display.phone(value)
            return stored == value

        return {
            name: value
            for name, value in self.cleaned_data.items()
            if not same(name, getattr(customer, name) or "", value or "")
        }


class FreeTextForm(forms.Form):
    details = forms.CharField(
        label=_("Tell us more (optional)"),
        required=False,
        max_length=NOTES_MAX,
        validators=[validate_multiline],
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ObjectionForm(forms.Form):
    """An objection says what it objects to: an empty one could not be acted on (issue 28)."""

    details = forms.CharField(
        label=_("What do you object to, or which processing should we restrict?"),
        max_length=NOTES_MAX,
        validators=[validate_multiline],
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _(
                "Say what you object to, or which processing to restrict: we cannot act on "
                "an empty objection."
            )
        },
    )


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is your complaint about?"),
        choices=DataRequest.ComplaintCategory.choices,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label=_("What happened"),
        max_length=NOTES_MAX,
        validators=[validate_multiline],
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("PDF, JPG or PNG, at most 5 MB."),
    )

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        extension = os.path.splitext(upload.name)[1].lower()
        if extension not in settings.COMPLAINT_ATTACHMENT_TYPES:
            raise forms.ValidationError(_("Only PDF, JPG or PNG files can be attached."))
        if upload.size > settings.COMPLAINT_ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        head = upload.read(8)
        upload.seek(0)
        magic = {
            ".pdf": b"%PDF",
            ".png": b"\x89PNG",
            ".jpg": b"\xff\xd8\xff",
            ".jpeg": b"\xff\xd8\xff",
        }
        if not head.startswith(magic[extension]):
            raise forms.ValidationError(_("The file's content does not match its type."))
        return upload
