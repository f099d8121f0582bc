from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consents.models import ConsentEvent, ConsentState
from consents.services.ledger import consents_grant_many
from customers.admin_forms import CustomerAdminForm
from customers.models import (
    AccountingDocument,
    Customer,
    CustomerChange,
    Message,
    Service,
    Submission,
    UnconfirmedRegistration,
    Warranty,
)
from customers.selectors import active_service_exists, customers_matching, running_warranty_exists
from customers.services.customers import (
    EDITABLE_FIELDS,
    customer_create,
    customer_send_confirmation,
    customer_touch,
    customer_update,
)
from privacysite.admin_utils import CappedCountPaginator, ReadOnlyAdmin, ReadOnlyInline


class YesNoFilter(admin.SimpleListFilter):
    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(self.condition())
        if self.value() == "no":
            return queryset.exclude(self.condition())
        return queryset


class ConfirmedFilter(YesNoFilter):
    title = _("contact confirmed")
    parameter_name = "confirmed"

    def condition(self):
        return Q(contact_confirmed_at__isnull=False)


class ActiveServiceFilter(YesNoFilter):
    title = _("active service")
    parameter_name = "active_service"

    def condition(self):
        return Q(active_service_exists())


class WarrantyFilter(YesNoFilter):
    title = _("running warranty")
    parameter_name = "warranty"

    def condition(self):
        return Q(running_warranty_exists())


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    fields = ["product", "started_on", "ends_on", "status", "notes"]


class WarrantyInline(admin.TabularInline):
    model = Warranty
    extra = 0
    fields = ["item", "installed_on", "warranty_until"]


class ConsentStateInline(ReadOnlyInline):
    model = ConsentState
    fields = ["purpose", "granted", "since"]
    readonly_fields = fields
    verbose_name_plural = _("current consents")


class CustomerChangeInline(ReadOnlyInline):
    model = CustomerChange
    fields = ["changed_at", "actor_label", "fields", "reason"]
    readonly_fields = fields
    verbose_name_plural = _("change history")
    ordering = ["-changed_at"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    form = CustomerAdminForm
    list_display = ["__str__", "kind", "source", "status", "is_confirmed", "last_activity_at"]
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
    date_hierarchy = None
    readonly_fields = [
        "status",
        "created_at",
        "last_activity_at",
        "contact_confirmed_at",
        "email_suspended_at",
        "erased_at",
    ]
    inlines = [ServiceInline, WarrantyInline, ConsentStateInline, CustomerChangeInline]

    def get_urls(self):
        from django.urls import path

        return [
            path(
                "<int:object_id>/consent-proof/",
                self.admin_site.admin_view(self.consent_proof_view),
                name="customers_customer_consent_proof",
            ),
            *super().get_urls(),
        ]

    def consent_proof_view(self, request, object_id):
        """A printable proof of who agreed to what text, when and how (LEGAL.md §2.6)."""
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import get_object_or_404
        from django.template.response import TemplateResponse

        from consents.selectors import consent_proof

        customer = get_object_or_404(Customer, pk=object_id)
        if not request.user.has_perm("consents.view_consentevent"):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/customers/customer/consent_proof.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Consent proof"),
                "customer": customer,
                "events": consent_proof(customer),
                "opts": self.model._meta,
            },
        )

    def get_fieldsets(self, request, obj=None):
        return [
            (
                _("Identity"),
                {"fields": ["kind", "full_name", "business_name", "contact_person", "tax_code"]},
            ),
            (
                _("Contact"),
                {
                    "fields": [
                        "email",
                        "phone_mobile",
                        "phone_home",
                        "phone_office",
                        "address_home",
                        "address_office",
                        "preferred_language",
                        "preferred_channel",
                    ]
                },
            ),
            (_("Notes and options"), {"fields": ["notes"]}),
            (_("Phone intake"), {"fields": ["source", "consents_given", "call_reference"]}),
            (_("Lifecycle"), {"fields": self.readonly_fields}),
        ]

    @admin.display(boolean=True, description=_("confirmed"), ordering="contact_confirmed_at")
    def is_confirmed(self, obj):
        return obj.contact_confirmed_at is not None

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        by_identifier = customers_matching(term).values("pk")
        by_name = (
            Q(full_name__icontains=term)
            | Q(business_name__icontains=term)
            | Q(contact_person__icontains=term)
        )
        return queryset.filter(Q(pk__in=by_identifier) | by_name), False

    def save_model(self, request, obj, form, change):
        # Through the services, so that the change history and blind indexes are written
        # exactly as for a web submission.
        data = {k: v for k, v in form.cleaned_data.items() if k in EDITABLE_FIELDS}
        if change:
            customer = Customer.objects.get(pk=obj.pk)
            customer_update(customer=customer, actor=request.user, data=data, reason="admin")
        else:
            customer = customer_create(
                actor=request.user, source=form.cleaned_data["source"], data=data, reason="admin"
            )
            obj.pk = obj.id = customer.pk
        purposes = form.cleaned_data.get("consents_given")
        if purposes:
            consents_grant_many(
                customer=customer,
                purposes=purposes,
                channel=ConsentEvent.Channel.PHONE,
                language=customer.preferred_language,
                staff_user=request.user,
                call_reference=form.cleaned_data["call_reference"],
            )
        if form.cleaned_data.get("source") == Customer.Source.PHONE or purposes:
            customer_touch(customer=customer)


@admin.register(UnconfirmedRegistration)
class UnconfirmedRegistrationAdmin(ReadOnlyAdmin):
    """Web registrations whose contact was never confirmed: staff follow them up."""

    list_display = ["__str__", "created_at", "last_activity_at"]
    ordering = ["created_at"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    actions = ["resend_confirmation"]

    def get_queryset(self, request):
        from customers.selectors import unconfirmed_web_customers

        return unconfirmed_web_customers()

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("customers.view_customer")

    @admin.action(description=_("Send the confirmation email again"))
    def resend_confirmation(self, request, queryset):
        count = sum(1 for customer in queryset if customer_send_confirmation(customer=customer))
        self.message_user(
            request, _("%(count)s confirmation emails queued.") % {"count": count}, messages.SUCCESS
        )

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("customers.change_customer")


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["product", "customer", "started_on", "ends_on", "status"]
    list_filter = ["status"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]
    paginator = CappedCountPaginator
    show_full_result_count = False


@admin.register(Warranty)
class WarrantyAdmin(admin.ModelAdmin):
    list_display = ["item", "customer", "installed_on", "warranty_until"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]
    paginator = CappedCountPaginator
    show_full_result_count = False


@admin.register(AccountingDocument)
class AccountingDocumentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "issued_on", "fiscal_year", "amount", "retention_class", "customer"]
    list_filter = ["kind", "retention_class", "fiscal_year"]
    list_select_related = ["customer"]
    search_fields = ["number"]
    raw_id_fields = ["customer"]
    paginator = CappedCountPaginator
    show_full_result_count = False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "customer", "language", "policy_version", "received_at"]
    list_filter = ["form"]
    list_select_related = ["customer", "policy_version"]
    paginator = CappedCountPaginator
    show_full_result_count = False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "customer", "purpose", "template", "created_at", "sent_at"]
    list_filter = ["status", "channel", "purpose"]
    list_select_related = ["customer"]
    exclude = ["html_body"]
    paginator = CappedCountPaginator
    show_full_result_count = False
