from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from consents.models import ConsentEvent, ConsentState
from consents.services.ledger import consents_grant_many
from customers import masking
from customers.admin.export import (
    EXPORT_ROW_CAP,
    EmailChannelForm,
    EraseForm,
    ExportForm,
    RevealForm,
    export_customers_csv,
)
from customers.admin.mixins import LogsPersonalDataViews
from customers.admin.sharing import add_to_incident, record_sharing
from customers.admin_forms import CustomerAdminForm
from customers.labels import (
    actor_column,
    change_reason_column,
    consent_granted_column,
    consent_since_column,
    fields_column,
    last_activity_column,
    purpose_column,
    template_column,
)
from customers.models import (
    AccessLogEntry,
    Customer,
    CustomerChange,
    Message,
    Service,
    UnconfirmedRegistration,
    Warranty,
)
from customers.selectors import (
    active_service_exists,
    customers_matching,
    looks_like_identifier,
    running_warranty_exists,
)
from customers.services.access_log import access_log
from customers.services.customers import (
    EDITABLE_FIELDS,
    customer_create,
    customer_lift_email_suspension,
    customer_send_confirmation,
    customer_suspend_email,
    customer_touch,
    customer_update,
)
from privacysite.admin_utils import CappedCountPaginator, ReadOnlyAdmin, ReadOnlyInline, admin_page
from privacysite.http import client_ip

# Personal fields a changelist row shows.
LISTED_FIELDS = {"full_name", "business_name", "email", "phone_mobile"}


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
    fields = ["purpose", "granted_shown", "since_shown"]
    readonly_fields = fields
    granted_shown = staticmethod(consent_granted_column)
    since_shown = staticmethod(consent_since_column)
    verbose_name_plural = _("current consents")


class CustomerChangeInline(ReadOnlyInline):
    model = CustomerChange
    fields = ["changed_at", "actor_shown", "fields_shown", "reason_shown"]
    readonly_fields = fields
    actor_shown = staticmethod(actor_column)
    fields_shown = staticmethod(fields_column)
    reason_shown = staticmethod(change_reason_column)
    verbose_name_plural = _("change history")
    ordering = ["-changed_at"]


class MessageInline(ReadOnlyInline):
    model = Message
    fields = [
        "created_at",
        "channel",
        "purpose_shown",
        "template_shown",
        "status",
        "status_reason",
        "sent_at",
    ]
    readonly_fields = fields
    purpose_shown = staticmethod(purpose_column)
    template_shown = staticmethod(template_column)
    verbose_name_plural = _("messages to this customer")
    ordering = ["-created_at"]


@admin.register(Customer)
class CustomerAdmin(LogsPersonalDataViews, admin.ModelAdmin):
    form = CustomerAdminForm
    list_display = ["__str__", "kind", "status", "is_confirmed", "last_activity_date"]
    last_activity_date = staticmethod(last_activity_column)
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
    inlines = [
        ServiceInline,
        WarrantyInline,
        ConsentStateInline,
        MessageInline,
        CustomerChangeInline,
    ]
    actions = ["export_csv", "erase_with_reason", record_sharing, add_to_incident]

    # --- who sees what -------------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if masking.restricted_to_active_service(request.user):
            queryset = queryset.filter(active_service_exists())
        return queryset

    def get_list_display(self, request):
        user = request.user

        def email(obj):
            return masking.shown(user, obj, "email")

        def phone(obj):
            return masking.shown(user, obj, "phone_mobile")

        email.short_description = _("email")
        phone.short_description = _("mobile phone")
        return [
            "__str__",
            email,
            phone,
            "kind",
            "status",
            "is_confirmed",
            "last_activity_date",  # the source is a filter: the row fits a 1366-px screen
        ]

    def _masked(self, request):
        return masking.ALL - masking.visible_fields(request.user)

    def get_fieldsets(self, request, obj=None):
        masked = self._masked(request)

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
        return [*self.readonly_fields, *(f"masked_{n}" for n in self._masked(request))]

    def get_exclude(self, request, obj=None):
        # Masked fields are not in the form at all: they can neither leak nor be blanked.
        return sorted(self._masked(request))

    # --- the access log ---------------------------------------------------------------------

    def customers_of(self, obj):
        return [obj.pk]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and changelist.result_list:
            searched = bool(changelist.query)
            access_log(
                actor=request.user,
                action=AccessLogEntry.Action.SEARCH if searched else AccessLogEntry.Action.LIST,
                customers=[c.pk for c in changelist.result_list],
                fields=sorted(masking.visible_fields(request.user) & LISTED_FIELDS),
                ip_address=client_ip(request),
            )
        return response

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
            value = getattr(customer, field)
            access_log(
                actor=request.user,
                action=AccessLogEntry.Action.REVEAL,
                customers=[customer],
                fields=[field],
                reason=form.cleaned_data["reason"],
                ip_address=client_ip(request),
            )
        return admin_page(
            self,
            request,
            "admin/customers/customer/reveal.html",
            _("Reveal a masked value"),
            customer=customer,
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
        from customers.models import ErasureCertificate
        from customers.services.erasure import customers_erase

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
        return admin_page(
            self,
            request,
            "admin/customers/customer/erase.html",
            _("Erase customers"),
            form=form,
            queryset=queryset,
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
        return admin_page(
            self,
            request,
            "admin/customers/customer/email_channel.html",
            _("Email channel"),
            customer=customer,
            form=form,
        )

    def get_urls(self):
        from django.urls import path

        return [
            path(
                "<int:object_id>/email-channel/",
                self.admin_site.admin_view(self.email_channel_view),
                name="customers_customer_email_channel",
            ),
            path(
                "<int:object_id>/reveal/<str:field>/",
                self.admin_site.admin_view(self.reveal_view),
                name="customers_customer_reveal",
            ),
            path(
                "<int:object_id>/consent-proof/",
                self.admin_site.admin_view(self.consent_proof_view),
                name="customers_customer_consent_proof",
            ),
            *super().get_urls(),
        ]

    def consent_proof_view(self, request, object_id):
        """A printable proof of who agreed to what text, when and how (LEGAL.md §2.6)."""
        from django.shortcuts import get_object_or_404

        from consents.selectors import consent_proof

        customer = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not request.user.has_perm("consents.view_consentevent"):
            raise PermissionDenied
        access_log(
            actor=request.user,
            action=AccessLogEntry.Action.VIEW,
            customers=[customer],
            fields=["consent_events"],
            ip_address=client_ip(request),
        )
        return admin_page(
            self,
            request,
            "admin/customers/customer/consent_proof.html",
            _("Consent proof"),
            customer=customer,
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


def _masked_display(field):
    @admin.display(description=field.label)
    def display(self, obj):
        return masking.mask(getattr(obj, field.name) or "", field.mask)

    return display


# A read-only, masked twin of every personal field, used where the role may not see it.
for _field in masking.CUSTOMER_FIELDS:
    setattr(CustomerAdmin, f"masked_{_field.name}", _masked_display(_field))
