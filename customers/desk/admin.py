from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR
from django.utils.translation import gettext_lazy as _

from customers.audit.admin_base import PersonalDataAdmin
from customers.core import masking
from customers.core.labels import last_activity_column
from customers.core.search import name_search
from customers.core.selectors import customers_matching, looks_like_identifier
from customers.desk.forms import CustomerAdminForm
from customers.desk.lists import (
    ActiveServiceFilter,
    ConfirmedFilter,
    ConsentStateInline,
    CustomerChangeInline,
    MessageInline,
    PendingChangeInline,
    ServiceInline,
    WarrantyFilter,
    WarrantyInline,
)
from customers.desk.pages import CustomerPagesMixin
from customers.incidents.admin import add_to_incident
from customers.models import Customer
from customers.records.services import customer_save_by_staff
from customers.sharing.admin import record_sharing
from privacysite import display
from privacysite.admin_utils import CappedCountPaginator

# Personal fields a changelist row shows.
LISTED_FIELDS = {"full_name", "business_name", "email", "phone_mobile"}


@admin.register(Customer)
class CustomerAdmin(CustomerPagesMixin, PersonalDataAdmin):
    """The staff's customer screen: list, search, masked fields and the access log here; its
    own pages and actions (reveal, export, erase, email channel, consent proof) in
    ``customers.desk.pages``."""

    customer_path = ""
    last_activity_date = staticmethod(last_activity_column)
    form = CustomerAdminForm
    list_filter = [
        "status",
        "source",
        "kind",
        ConfirmedFilter,
        ActiveServiceFilter,
        WarrantyFilter,
    ]
    search_fields = ["full_name"]  # the real search is get_search_results below
    search_help_text = _(
        "Search by part of a name, with or without diacritics, or by a full email address, "
        "phone number or tax code."
    )
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 50
    readonly_fields = [
        "status",
        "created_at",
        "last_activity_at",
        "contact_confirmed_at",
        "email_suspended_at",
        "erased_at",
    ]
    inlines = [
        ServiceInline,
        WarrantyInline,
        ConsentStateInline,
        MessageInline,
        CustomerChangeInline,
        PendingChangeInline,
    ]
    actions = ["export_csv", "erase_with_reason", record_sharing, add_to_incident]

    # --- who sees what -------------------------------------------------------------------

    def get_list_display(self, request):
        user = request.user

        def name(obj):
            return masking.display_name(user, obj)

        def email(obj):
            return masking.shown(user, obj, "email")

        def phone(obj):
            shown = masking.shown(user, obj, "phone_mobile")
            # Stored as typed (0912345678, 0912 345 678): listed one way, unless masked.
            return display.phone(shown) if shown == obj.phone_mobile else shown

        name.short_description = _("customer")
        email.short_description = _("email")
        phone.short_description = _("mobile phone")
        return [
            name,
            email,
            phone,
            "kind",
            "status",
            "is_confirmed",
            "last_activity_date",  # the source is a filter: the row fits a 1366-px screen
        ]

    def _masked(self, request, obj=None):
        return masking.ALL - masking.visible_fields(request.user, obj)

    def get_fieldsets(self, request, obj=None):
        masked = self._masked(request, obj)

        def fields(*names):
            return [f"masked_{n}" if n in masked else n for n in names]

        return [
            (
                _("Identity"),
                {
                    "fields": fields(
                        "kind", "full_name", "business_name", "contact_person", "tax_code"
                    )
                },
            ),
            (
                _("Contact"),
                {
                    "fields": fields(
                        "email",
                        "phone_mobile",
                        "phone_home",
                        "phone_office",
                        "address_home",
                        "address_office",
                    )
                    + ["preferred_language", "preferred_channel"]
                },
            ),
            (_("Notes and options"), {"fields": fields("notes")}),
            # Consents taken on a call are recorded through the form: not for view-only roles.
            *(
                [(_("Phone intake"), {"fields": ["source", "consents_given", "call_reference"]})]
                if self.has_change_permission(request, obj)
                else []
            ),
            (_("Lifecycle"), {"fields": self.readonly_fields}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, *(f"masked_{n}" for n in self._masked(request, obj))]

    def get_exclude(self, request, obj=None):
        # Masked fields are not in the form at all: they can neither leak nor be blanked.
        return sorted(self._masked(request, obj))

    # --- the access log ---------------------------------------------------------------------

    def listed_fields(self, request, rows):
        return {
            name
            for row in rows
            for name in masking.visible_fields(request.user, row) & LISTED_FIELDS
            if name == masking.name_field(row) or name not in ("full_name", "business_name")
        }

    def shown_fields(self, request, obj):
        return set(masking.visible_fields(request.user, obj))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "revealable": sorted(masking.revealable_fields(request.user)),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(boolean=True, description=_("confirmed"), ordering="contact_confirmed_at")
    def is_confirmed(self, obj):
        return obj.contact_confirmed_at is not None

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if looks_like_identifier(term):
            # An email, phone or tax code: exact match through the blind indexes only (an OR
            # with a name search would make the database scan every row).
            visible = masking.visible_fields(request.user)
            matching = customers_matching(term, fields=visible)
            return queryset.filter(pk__in=matching.values("pk")), False
        # By name: folded, among the customers whose name fields this user sees in clear, the
        # best matches first unless the user sorts by a column.
        found, rank = name_search(queryset, request.user, term)
        if ORDER_VAR not in request.GET:
            then = queryset.query.order_by or ["-pk"]  # the list's order, or the newest first
            found = found.alias(search_rank=rank).order_by("search_rank", *then)
        return found, False

    def save_model(self, request, obj, form, change):
        # Through the service, so that the change history, blind indexes and consents are
        # written exactly as for a web submission.
        customer = customer_save_by_staff(
            customer_id=obj.pk if change else None,
            actor=request.user,
            data=form.cleaned_data,
            consents=form.cleaned_data.get("consents_given") or [],
            call_reference=form.cleaned_data.get("call_reference", ""),
        )
        obj.pk = obj.id = customer.pk


def _masked_display(field):
    @admin.display(description=field.label)
    def display(self, obj):
        return masking.mask(getattr(obj, field.name) or "", field.mask)

    return display


# A read-only, masked twin of every personal field, used where the role may not see it.
for _field in masking.CUSTOMER_FIELDS:
    setattr(CustomerAdmin, f"masked_{_field.name}", _masked_display(_field))
