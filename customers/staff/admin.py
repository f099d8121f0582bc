from django.contrib import admin
from django.core.cache import cache

from customers.models import AgreementAcceptance, ConfidentialityAgreement
from customers.staff.services import CACHE_KEY
from privacysite.admin_utils import ReadOnlyAdmin


@admin.register(ConfidentialityAgreement)
class ConfidentialityAgreementAdmin(admin.ModelAdmin):
    list_display = ["__str__", "published_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        cache.delete(CACHE_KEY)  # every staff member must accept the new version

    # A published version is what people signed: new text means a new version.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AgreementAcceptance)
class AgreementAcceptanceAdmin(ReadOnlyAdmin):
    list_display = ["user", "agreement", "accepted_at", "ip_address"]
    list_filter = ["agreement"]
