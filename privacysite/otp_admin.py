"""The staff members' authenticator devices, as the administrator needs them: whose, since
when, last used, and delete (a lost phone: the next sign-in enrols a new one). No secret key
is shown; devices are created by enrolment only. Labels in the reader's language (django-otp
ships none)."""

from django.contrib import admin
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice


def _when(value):
    if not value:
        return "–"
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


class StaffDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "confirmed_shown", "created_shown", "last_used_shown"]
    fields = list_display
    readonly_fields = list_display
    list_select_related = ["user"]
    search_fields = ["user__username"]
    search_help_text = _("Search by the staff member's username.")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Set up"), boolean=True)
    def confirmed_shown(self, obj):
        return obj.confirmed

    @admin.display(description=_("Created at"), ordering="created_at")
    def created_shown(self, obj):
        return _when(obj.created_at)

    @admin.display(description=_("Last used at"), ordering="last_used_at")
    def last_used_shown(self, obj):
        return _when(obj.last_used_at)


def register(site):
    if site.is_registered(TOTPDevice):
        site.unregister(TOTPDevice)
    site.register(TOTPDevice, StaffDeviceAdmin)
