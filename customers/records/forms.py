"""The public collection forms. They validate and clean; the services decide what to store."""

import secrets

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from customers.consents.selectors import BUSINESS_ONLY_PURPOSES, purposes_optional
from customers.core.form_fields import EmailAddressField, PhoneField, TaxCodeField
from customers.core.validators import validate_multiline, validate_single_line
from customers.models import Customer

NAME_MAX = 200
ADDRESS_MAX = 500
NOTES_MAX = 2000


def text_field(label, *, required=True, max_length=NAME_MAX, **kwargs):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        validators=[validate_single_line],
        **kwargs,
    )


class PurposeConsentMixin(forms.Form):
    """One unticked checkbox per optional purpose, next to the submit button.

    Each box's label is the exact wording that is stored in the ledger when ticked.
    """

    # Purposes only a business can agree to (listing its name as a reference), and whether
    # this form registers businesses at all.
    BUSINESS_ONLY = BUSINESS_ONLY_PURPOSES
    offers_business_purposes = False

    def add_purpose_fields(self):
        self.purposes = [
            p
            for p in purposes_optional()
            if self.offers_business_purposes or p.code not in self.BUSINESS_ONLY
        ]
        language = get_language()
        for purpose in self.purposes:
            self.fields[f"purpose_{purpose.code}"] = forms.BooleanField(
                label=purpose.wording(language), required=False, initial=False
            )

    def consented_purposes(self):
        business = self.cleaned_data.get("kind") == Customer.Kind.BUSINESS
        return [
            p
            for p in self.purposes
            if self.cleaned_data.get(f"purpose_{p.code}")
            and (business or p.code not in self.BUSINESS_ONLY)
        ]

    def consent_layout(self):
        policy_link = format_html(
            '<p class="small">{} <a href="{}">{}</a>.</p>',
            _("How we use your data is explained in our"),
            reverse("consents:privacy"),
            _("privacy policy"),
        )
        return Fieldset(
            _("Optional: what else you agree to (each box separately; you can change it later)"),
            *[
                Div(f"purpose_{p.code}", css_class="business-fields")
                if p.code in self.BUSINESS_ONLY
                else f"purpose_{p.code}"
                for p in self.purposes
            ],
            HTML(policy_link),
            css_class="border rounded p-3 mb-3",
        )


class AbuseProtectionMixin(forms.Form):
    # A field people never see: bots fill it in. The CSS hides it; aria-hidden keeps it
    # away from screen readers.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    # One value per rendered form: the same form sent again with the same content (a double
    # click, back and resubmit) is recognised and stored once. No length limit: a mangled
    # key must not make the form impossible to send (only its digest is stored).
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def add_submission_key(self):
        if not self.is_bound:
            self.initial["submission_key"] = secrets.token_urlsafe(16)

    @property
    def is_bot(self):
        return bool(self.data.get("website"))


class CollectionForm(PurposeConsentMixin, AbuseProtectionMixin, forms.Form):
    """A public collection form: its fields, the honeypot and submission key, then one
    unticked box per optional purpose next to the policy link and the submit button."""

    form_name = form_id = ""
    submit_label = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_purpose_fields()
        self.add_submission_key()

    @cached_property
    def helper(self):
        """The crispy-forms layout, built only when the form is rendered (an accepted POST
        redirects without it)."""
        helper = FormHelper()
        helper.form_id = self.form_id
        helper.attrs = {"data-submit-once": "true", "novalidate": "novalidate"}
        helper.layout = Layout(
            *self.layout_fields(),
            Div("website", css_class="honeypot", aria_hidden="true"),
            "submission_key",
            self.consent_layout(),
            Submit("submit", self.submit_label, css_class="btn-primary"),
        )
        return helper

    def layout_fields(self):
        raise NotImplementedError


class RegistrationForm(CollectionForm):
    kind = forms.ChoiceField(
        label=_("I register as"),
        choices=Customer.Kind.choices,
        initial=Customer.Kind.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    full_name = text_field(_("Full name"), widget=forms.TextInput(attrs={"autocomplete": "name"}))
    business_name = text_field(
        _("Business name"), required=False, help_text=_("For a business registration.")
    )
    tax_code = TaxCodeField(
        required=False, help_text=_("10 digits, or 13 for a branch (0101234565-001).")
    )
    contact_person = text_field(
        _("Contact person"), required=False, help_text=_("Who acts for the business.")
    )
    email = EmailAddressField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone_mobile = PhoneField(label=_("Phone"))
    address_home = forms.CharField(
        label=_("Address"),
        max_length=ADDRESS_MAX,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )

    form_name = "register"
    form_id = "registration-form"
    offers_business_purposes = True
    submit_label = _("Register")

    def layout_fields(self):
        return [
            "kind",
            "full_name",
            Div("business_name", "tax_code", "contact_person", css_class="business-fields"),
            "email",
            "phone_mobile",
            "address_home",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Required for a business (clean() says so): starred like the other required fields,
        # and announced as required; the block is shown only for a business.
        for name in ("business_name", "tax_code"):
            field = self.fields[name]
            field.label = format_html(
                '{}<span class="asteriskField" aria-hidden="true">*</span>', field.label
            )
            field.widget.attrs["aria-required"] = "true"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Customer.Kind.BUSINESS:
            for name in ("business_name", "tax_code"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Required for a business registration."))
        return cleaned

    def customer_data(self):
        data = {
            k: self.cleaned_data[k]
            for k in (
                "kind",
                "full_name",
                "business_name",
                "tax_code",
                "contact_person",
                "email",
                "phone_mobile",
                "address_home",
            )
        }
        if data["kind"] == Customer.Kind.BUSINESS:
            # A business's address is its office address.
            data["address_office"] = data.pop("address_home")
        return data


class ServiceRequestForm(CollectionForm):
    SERVICE_CHOICES = [
        ("hosting", _("Web hosting")),
        ("server", _("Virtual server")),
        ("maintenance", _("System maintenance")),
        ("cctv", _("Security cameras")),
        ("software", _("Software licence")),
        ("other", _("Something else")),
    ]

    full_name = text_field(_("Full name"), widget=forms.TextInput(attrs={"autocomplete": "name"}))
    address_home = forms.CharField(
        label=_("Address where the service is needed"),
        max_length=ADDRESS_MAX,
        validators=[validate_single_line],
    )
    email = EmailAddressField(label=_("Email"))
    phone_mobile = PhoneField(label=_("Mobile phone"))
    phone_home = PhoneField(label=_("Home phone"), required=False)
    phone_office = PhoneField(label=_("Office phone"), required=False)
    services = forms.MultipleChoiceField(
        label=_("Services you are interested in"),
        choices=SERVICE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTES_MAX,
        validators=[validate_multiline],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you need, when it suits you to be contacted."),
    )

    form_name = "service_request"
    form_id = "service-request-form"
    submit_label = _("Send request")

    def layout_fields(self):
        return [
            "full_name",
            "address_home",
            "email",
            "phone_mobile",
            "phone_home",
            "phone_office",
            "services",
            "notes",
        ]

    def customer_data(self):
        data = {
            k: self.cleaned_data[k]
            for k in (
                "full_name",
                "address_home",
                "email",
                "phone_mobile",
                "phone_home",
                "phone_office",
            )
        }
        labels = dict(self.SERVICE_CHOICES)
        chosen = ", ".join(str(labels[s]) for s in self.cleaned_data["services"])
        notes = self.cleaned_data["notes"].strip()
        data["notes"] = f"[{chosen}] {notes}".strip()
        return data


def raw_submission(form: forms.Form) -> dict:
    """What the customer sent, as cleaned, for the submission record (no technical fields)."""
    skip = {"website", "submission_key"}
    return {
        name: value
        for name, value in form.cleaned_data.items()
        if name not in skip and not name.startswith("purpose_")
    }
