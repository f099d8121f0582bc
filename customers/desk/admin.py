from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _

from consents.selectors import consent_proof
from customers.audit.admin_base import PersonalDataAdmin, log_shown
from customers.audit.export import (
    EXPORT_ROW_CAP,
    EmailChannelForm,
    EraseForm,
    ExportForm,
    RevealForm,
    export_customers_csv,
)
from customers.audit.services import personal_data_reveal
from customers.core import masking
from customers.core.labels import last_activity_column
from customers.core.selectors import (
    customers_matching,
    looks_like_identifier,
)
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
from customers.incidents.admin import add_to_incident
from customers.models import (
    Customer,
    ErasureCertificate,
)
from customers.records.services import (
    customer_save_by_staff,
    customer_suspend_email,
)
from customers.requests.services import customer_lift_email_suspension
from customers.retention.erasure import customers_erase
from customers.sharing.admin import record_sharing
from privacysite.admin_utils import CappedCountPaginator, admin_page
from privacysite.http import client_ip

# Personal fields a changelist row shows.
LISTED_FIELDS = {"full_name", "business_name", "email", "phone_mobile"}


@admin.register(Customer)
class CustomerAdmin(PersonalDataAdmin):
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
        "Search by part of a name, or by a full email address, phone number or tax code."
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
            return masking.shown(user, obj, "phone_mobile")

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

    # --- reveal and export ------------------------------------------------------------------

    def reveal_view(self, request, object_id, field):
        """One masked value, shown after a reason is given; every reveal is logged."""
        customer = self.get_object(request, object_id)
        if customer is None or field not in masking.revealable_fields(request.user):
            raise PermissionDenied
        form = RevealForm(request.POST or None)
        value = None
        if request.method == "POST" and form.is_valid():
            value = personal_data_reveal(
                customer=customer,
                field=field,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                ip_address=client_ip(request),
            )
        log_shown(request, customers=[customer], fields=self.name_shown(request, customer))
        return admin_page(
            self,
            request,
            "admin/customers/customer/reveal.html",
            _("Reveal a masked value"),
            customer=customer,
            customer_name=masking.display_name(request.user, customer),
            field_label=Customer._meta.get_field(field).verbose_name,
            form=form,
            value=value,
        )

    def has_record_sharing_permission(self, request):
        return request.user.has_perm("customers.add_disclosure")

    def has_add_to_incident_permission(self, request):
        return request.user.has_perm("customers.change_incident")

    def has_erase_permission(self, request):
        return request.user.has_perm("customers.erase_customer")

    @admin.action(
        description=_("Erase the selected customers (with a reason)"), permissions=["erase"]
    )
    def erase_with_reason(self, request, queryset):
        form = EraseForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            erased, blocked = customers_erase(
                customer_ids=list(queryset.values_list("pk", flat=True)),
                actor=request.user,
                trigger=ErasureCertificate.Trigger.STAFF,
                reason=form.cleaned_data["reason"],
            )
            self.message_user(request, _("%(count)s customers erased.") % {"count": len(erased)})
            for customer_id, reasons in blocked.items():
                self.message_user(
                    request,
                    _("Customer #%(id)s was not erased: %(why)s.")
                    % {"id": customer_id, "why": ", ".join(reasons)},
                    messages.WARNING,
                )
            return None
        chosen = list(queryset)
        log_shown(
            request,
            customers=chosen,
            fields=set().union(*(self.name_shown(request, c) for c in chosen)),
        )
        return admin_page(
            self,
            request,
            "admin/customers/customer/erase.html",
            _("Erase customers"),
            form=form,
            queryset=queryset,
            names=[masking.display_name(request.user, c) for c in chosen],
        )

    def has_export_permission(self, request):
        return request.user.has_perm("customers.export_customer")

    @admin.action(description=_("Export the selected customers to CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        form = ExportForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            count = queryset.count()
            if count > EXPORT_ROW_CAP:
                self.message_user(
                    request,
                    _("At most %(cap)s customers can be exported at once; %(count)s were selected.")
                    % {"cap": EXPORT_ROW_CAP, "count": count},
                    messages.ERROR,
                )
                return None
            return export_customers_csv(
                request=request, queryset=queryset, reason=form.cleaned_data["reason"]
            )
        return admin_page(
            self,
            request,
            "admin/customers/customer/export.html",
            _("Export customers"),
            form=form,
            queryset=queryset,
            count=queryset.count(),
            cap=EXPORT_ROW_CAP,
        )

    def email_channel_view(self, request, object_id):
        """Suspend the email channel (suspected fraud) or lift it after re-verification."""
        customer = self.get_object(request, object_id)
        if customer is None or not self.has_change_permission(request, customer):
            raise PermissionDenied
        form = EmailChannelForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["reason"]
            if customer.email_suspended:
                customer_lift_email_suspension(
                    customer=customer, actor=request.user, verification=text
                )
                self.message_user(request, _("The email channel works again."))
            else:
                customer_suspend_email(customer=customer, actor=request.user, reason=text)
                self.message_user(request, _("The email channel is suspended."))
            return redirect("admin:customers_customer_change", customer.pk)
        log_shown(request, customers=[customer], fields=self.name_shown(request, customer))
        return admin_page(
            self,
            request,
            "admin/customers/customer/email_channel.html",
            _("Email channel"),
            customer=customer,
            customer_name=masking.display_name(request.user, customer),
            form=form,
        )

    def get_urls(self):
        # Named after this admin's own model: the narrowed screens built on this one (the
        # unconfirmed registrations) get names of their own, instead of taking over these
        # (the last registered wins a name) and answering 404 for every customer outside
        # their narrower list.
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<int:object_id>/email-channel/",
                self.admin_site.admin_view(self.email_channel_view),
                name=f"{prefix}_email_channel",
            ),
            path(
                "<int:object_id>/reveal/<str:field>/",
                self.admin_site.admin_view(self.reveal_view),
                name=f"{prefix}_reveal",
            ),
            path(
                "<int:object_id>/consent-proof/",
                self.admin_site.admin_view(self.consent_proof_view),
                name=f"{prefix}_consent_proof",
            ),
            *super().get_urls(),
        ]

    def consent_proof_view(self, request, object_id):
        """A printable proof of who agreed to what text, when and how (docs/legal.md §2.6)."""
        customer = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not request.user.has_perm("consents.view_consentevent"):
            raise PermissionDenied
        log_shown(
            request,
            customers=[customer],
            fields={"consent_events"} | self.name_shown(request, customer),
        )
        return admin_page(
            self,
            request,
            "admin/customers/customer/consent_proof.html",
            _("Consent proof"),
            customer=customer,
            customer_name=masking.display_name(request.user, customer),
            events=consent_proof(customer),
        )

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
        by_name = (
            Q(full_name__icontains=term)
            | Q(business_name__icontains=term)
            | Q(contact_person__icontains=term)
        )
        return queryset.filter(by_name), False

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
