"""Web registrations whose contact was never confirmed, for staff to follow up: the customer
screen itself (same scope, masking and access log), narrowed to them, with one action."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from customers.core.selectors import unconfirmed_web_customers
from customers.desk.admin import CustomerAdmin
from customers.models import UnconfirmedRegistration
from customers.records.services import customer_send_confirmation


@admin.register(UnconfirmedRegistration)
class UnconfirmedRegistrationAdmin(CustomerAdmin):
    ordering = ["created_at"]
    actions = ["resend_confirmation"]
    list_filter = []

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=unconfirmed_web_customers().values("pk"))

    def get_list_display(self, request):
        return [*super().get_list_display(request)[:3], "created_at", "last_activity_at"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("customers.view_customer")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # edited on the customer screen

    def has_delete_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request):
        return request.user.has_perm("customers.change_customer")

    @admin.action(description=_("Send the confirmation email again"), permissions=["resend"])
    def resend_confirmation(self, request, queryset):
        count = sum(
            1
            for customer in queryset
            if customer_send_confirmation(customer=customer, actor=request.user)
        )
        self.message_user(
            request, _("%(count)s confirmation emails queued.") % {"count": count}, messages.SUCCESS
        )
