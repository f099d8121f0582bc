"""The company profile in the admin: the DPO changes it, the board reads it
(``customers.core.roles``). One row, created on first look from the settings."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from customers.company.services import company_profile_update
from customers.core.company import company_profile
from customers.core.masking import REVEALABLE, VISIBLE, field_table
from customers.core.personal_data import CUSTOMER_FIELDS
from customers.core.roles import Role
from customers.models import CompanyProfile
from customers.models.company import Channel

ROLES = list(Role)
FIELD_CHOICES = [(f.name, capfirst(f.label)) for f in CUSTOMER_FIELDS]


def _boxes(label, help_text=""):
    return forms.MultipleChoiceField(
        label=label,
        choices=FIELD_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class BaseCompanyProfileForm(forms.ModelForm):
    """The role × field table as checkboxes (one list per role of what it sees, one of what
    it may reveal one at a time), and the channels as checkboxes: no JSON to type."""

    channels = forms.MultipleChoiceField(
        label=capfirst(_("channels we collect through")),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = CompanyProfile
        fields = [
            "name",
            "company_type",
            "address",
            "email",
            "phone",
            "tax_code",
            "website",
            "business_lines",
            "legal_representative",
            "legal_representative_title",
            "dpo_name",
            "dpo_person",
            "dpo_title",
            "dpo_email",
            "dpo_phone",
            "dpo_appointment_ref",
            "dpo_appointment_date",
            "hosting_location",
            "hosted_abroad",
            "partners_allowed",
            "requests_email",
            "requests_phone",
            "complaints_contact",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        table = self.instance.field_access or {}
        self.fields["channels"].initial = self.instance.collection_channels
        for i, role in enumerate(ROLES):
            own = table.get(str(role))
            self.fields[f"sees_{i}"].initial = sorted(
                own.get("visible", []) if own is not None else VISIBLE.get(role, ())
            )
            self.fields[f"reveals_{i}"].initial = sorted(
                own.get("revealable", []) if own is not None else REVEALABLE.get(role, ())
            )

    def clean(self):
        cleaned = super().clean()
        table = {}
        for i, role in enumerate(ROLES):
            sees = sorted(cleaned.get(f"sees_{i}") or [])
            reveals = sorted(cleaned.get(f"reveals_{i}") or [])
            built_in = (sorted(VISIBLE.get(role, ())), sorted(REVEALABLE.get(role, ())))
            if (sees, reveals) != built_in:  # only what differs from the built-in table
                table[str(role)] = {"visible": sees, "revealable": reveals}
        self.instance.field_access = table
        self.instance.collection_channels = list(cleaned.get("channels") or [])
        return cleaned


def _role_fields() -> dict:
    fields = {}
    for i, role in enumerate(ROLES):
        fields[f"sees_{i}"] = _boxes(_("%(role)s sees") % {"role": role.label})
        fields[f"reveals_{i}"] = _boxes(
            _("%(role)s may reveal, one at a time with a reason") % {"role": role.label}
        )
    return fields


# Declared fields, one pair per role, so that the admin knows them by name.
CompanyProfileForm = type("CompanyProfileForm", (BaseCompanyProfileForm,), _role_fields())
ROLE_FIELDS = [f"{kind}_{i}" for i in range(len(ROLES)) for kind in ("sees", "reveals")]


@admin.register(CompanyProfile)
class CompanyProfileAdmin(admin.ModelAdmin):
    form = CompanyProfileForm
    list_display = ["__str__", "tax_code", "dpo_name", "updated_at"]
    readonly_fields = ["preset", "updated_at"]
    fieldsets = [
        (
            _("Company"),
            {
                "fields": [
                    "name",
                    "company_type",
                    "address",
                    "email",
                    "phone",
                    "tax_code",
                    "website",
                    "business_lines",
                    "legal_representative",
                    "legal_representative_title",
                ]
            },
        ),
        (
            _("Data-protection officer"),
            {
                "fields": [
                    "dpo_name",
                    "dpo_person",
                    "dpo_title",
                    "dpo_email",
                    "dpo_phone",
                    "dpo_appointment_ref",
                    "dpo_appointment_date",
                ]
            },
        ),
        (
            _("The policy's choices (enforced, and stated on the privacy policy)"),
            {
                "fields": [
                    "preset",
                    "hosting_location",
                    "hosted_abroad",
                    "partners_allowed",
                    "channels",
                    "requests_email",
                    "requests_phone",
                    "complaints_contact",
                    "updated_at",
                ]
            },
        ),
        (
            _("Which customer fields each role sees"),
            {
                "description": _(
                    "The privacy policy states this table; the screens, searches and exports "
                    "follow it. System administrators see every field."
                ),
                "fields": ROLE_FIELDS,
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        # Read only (the board): the table and the channels as sentences.
        swap = {"channels": ["channels_text"], **{name: [] for name in ROLE_FIELDS}}
        swap[ROLE_FIELDS[0]] = ["access_table"]
        return [
            (
                title,
                {**opts, "fields": [f for name in opts["fields"] for f in swap.get(name, [name])]},
            )
            for title, opts in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_change_permission(request, obj):
            fields += ["channels_text", "access_table"]
        return fields

    @admin.display(description=_("channels we collect through"))
    def channels_text(self, obj):
        labels = dict(Channel.choices)
        return "; ".join(str(labels.get(c, c)) for c in obj.collection_channels or [])

    @admin.display(description=_("Which customer fields each role sees"))
    def access_table(self, obj):
        labels = dict(FIELD_CHOICES)
        rows = []
        for role, fields in field_table().items():
            seen = ", ".join(str(labels[f]) for f in fields["visible"]) or "-"
            rows.append(f"{Role(role).label}: {seen}")
        return format_html_join("", "{}<br>", ((row,) for row in rows))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "website":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request):
        # One row: it is created on first use.
        return super().has_add_permission(request) and not CompanyProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        company_profile()  # the one row exists from the first look, with the settings' values
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        company_profile_update(company=obj, actor=request.user, changed=form.changed_data)
