from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from customers.consents.models import Purpose
from customers.core.form_fields import EmailAddressField, PhoneField, TaxCodeField
from customers.core.selectors import customer_by_email
from customers.core.validators import validate_multiline, validate_single_line
from customers.models import Customer


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
    tax_code = TaxCodeField(required=False, label=_("tax code"))
    email = EmailAddressField(required=False, label=_("email"))
    phone_mobile = PhoneField(required=False, label=_("mobile phone"))
    phone_home = PhoneField(required=False, label=_("home phone"))
    phone_office = PhoneField(required=False, label=_("office phone"))
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
        widgets = {
            "address_home": forms.TextInput(attrs={"size": 80}),
            "address_office": forms.TextInput(attrs={"size": 80}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # "Mã số thuế", as the model's own labels read
            field.label = capfirst(field.label)
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

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consents_given") and not cleaned.get("call_reference"):
            self.add_error(
                "call_reference", _("Give the call reference for the consents you recorded.")
            )
        email = cleaned.get("email")
        if email:
            other = customer_by_email(email)
            if other and other.pk != self.instance.pk:
                self.add_error(
                    "email",
                    _("Another customer (#%(id)s) already has this email.") % {"id": other.pk},
                )
        return cleaned
