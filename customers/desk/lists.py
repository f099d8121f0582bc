"""The customer list's filters and inlines."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.consents.labels import purpose_column
from customers.consents.models import ConsentState
from customers.core.labels import (
    actor_column,
    change_reason_column,
    consent_granted_column,
    consent_since_column,
    fields_column,
    template_column,
)
from customers.core.selectors import (
    active_service_exists,
    running_warranty_exists,
)
from customers.models import CustomerChange, Message, PendingChange, Service, Warranty
from privacysite.admin_utils import ReadOnlyInline


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


class PendingChangeInline(ReadOnlyInline):
    """Forms that would change this customer, waiting for the customer's confirmation: staff
    see which fields and until when, not the values (an anonymous form proves nothing)."""

    model = PendingChange
    fields = ["created_at", "fields", "status", "expires_at", "decided_at"]
    readonly_fields = fields
    verbose_name_plural = _("changes waiting for the customer's confirmation")
    ordering = ["-created_at"]
