"""The customer list's filters and inlines, and the follow-up list of unconfirmed
registrations."""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consents.models import ConsentState
from customers.core.selectors import (
    active_service_exists,
    running_warranty_exists,
    unconfirmed_web_customers,
)
from customers.models import (
    CustomerChange,
    Message,
    PendingChange,
    Service,
    UnconfirmedRegistration,
    Warranty,
)
from customers.records.services import customer_send_confirmation
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


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ["created_at", "channel", "purpose", "template", "status", "status_reason", "sent_at"]
    readonly_fields = fields
    verbose_name_plural = _("messages to this customer")
    ordering = ["-created_at"]


class PendingChangeInline(ReadOnlyInline):
    """Forms that would change this customer, waiting for the customer's confirmation: staff
    see which fields and until when, not the values (an anonymous form proves nothing)."""

    model = PendingChange
    fields = ["created_at", "fields", "status", "expires_at", "decided_at"]
    readonly_fields = fields
    verbose_name_plural = _("changes waiting for the customer's confirmation")
    ordering = ["-created_at"]


@admin.register(UnconfirmedRegistration)
class UnconfirmedRegistrationAdmin(ReadOnlyAdmin):
    """Web registrations whose contact was never confirmed: staff follow them up."""

    list_display = ["__str__", "created_at", "last_activity_at"]
    ordering = ["created_at"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    actions = ["resend_confirmation"]

    def get_queryset(self, request):
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
