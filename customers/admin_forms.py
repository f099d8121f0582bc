from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from consents.models import Purpose
from customers.models import Customer
from customers.validators import (
    validate_multiline,
    validate_phone,
    validate_single_line,
    validate_tax_code,
)

SINGLE_LINE = ("tax_code", "email", "phone_mobile", "phone_home", "phone_office")


class CustomerAdminForm(forms.ModelForm):
    """The staff form, with the public forms' validation and the phone-intake consents."""

    consents_given = forms.ModelMultipleChoiceField(
        label=_("Consents given on this call"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick only what the customer clearly agreed to on the phone; it is recorded in the "
            "consent ledger with your name and the call reference."
        ),
    )
    call_reference = forms.CharField(
        label=_("Call reference"),
        required=False,
        max_length=100,
        help_text=_("The recording or ticket id of the call, as proof of consent."),
    )

    class Meta:
        model = Customer
        fields = [
            "kind",
            "full_name",
            "business_name",
            "contact_person",
            "tax_code",
            "email",
            "phone_mobile",
            "phone_home",
            "phone_office",
            "address_home",
            "address_office",
            "notes",
            "preferred_language",
            "preferred_channel",
            "source",
        ]
        widgets = {name: forms.TextInput(attrs={"size": 40}) for name in SINGLE_LINE} | {
            "address_home": forms.TextInput(attrs={"size": 80}),
            "address_office": forms.TextInput(attrs={"size": 80}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consents_given"].queryset = Purpose.objects.filter(active=True, optional=True)
        if "source" in self.fields and not self.instance.pk:
            self.fields["source"].initial = Customer.Source.PHONE
        for name in (
            "full_name",
            "business_name",
            "contact_person",
            "address_home",
            "address_office",
        ):
            if name in self.fields:
                self.fields[name].validators.append(validate_single_line)
        if "notes" in self.fields:
            self.fields["notes"].validators.append(validate_multiline)

    def clean_email(self):
        value = self.cleaned_data["email"].strip().lower()
        if value:
            validate_email(value)
        return value

    def clean_tax_code(self):
        value = self.cleaned_data["tax_code"].strip()
        return validate_tax_code(value) if value else ""

    def _clean_phone(self, name):
        value = self.cleaned_data[name].strip()
        return validate_phone(value) if value else ""

    def clean_phone_mobile(self):
        return self._clean_phone("phone_mobile")

    def clean_phone_home(self):
        return self._clean_phone("phone_home")

    def clean_phone_office(self):
        return self._clean_phone("phone_office")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consents_given") and not cleaned.get("call_reference"):
            self.add_error(
                "call_reference", _("Give the call reference for the consents you recorded.")
            )
        email = cleaned.get("email")
        if email:
            from customers.selectors import customer_by_email

            other = customer_by_email(email)
            if other and other.pk != self.instance.pk:
                self.add_error(
                    "email",
                    _("Another customer (#%(id)s) already has this email.") % {"id": other.pk},
                )
        return cleaned
