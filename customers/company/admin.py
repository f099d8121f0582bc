"""The company profile in the admin: the DPO changes it, the board reads it
(``customers.core.roles``). One row, created on first look from the settings."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from customers.company.services import company_profile_update
from customers.core.company import company_profile
from customers.models import CompanyProfile


@admin.register(CompanyProfile)
class CompanyProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "tax_code", "dpo_name", "updated_at"]
    readonly_fields = ["updated_at"]
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
                    "updated_at",
                ]
            },
        ),
    ]

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
