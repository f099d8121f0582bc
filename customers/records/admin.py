from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from customers.audit.admin_base import PersonalDataAdmin
from customers.models import AccountingDocument, Service, Submission, Warranty
from privacysite.admin_utils import CappedCountPaginator, ReadOnlyAdmin
from privacysite.display import money


@admin.register(Service)
class ServiceAdmin(PersonalDataAdmin):
    list_display = ["product", "customer", "started_on", "ends_on", "status"]
    list_filter = ["status"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]
    paginator = CappedCountPaginator
    show_full_result_count = False


@admin.register(Warranty)
class WarrantyAdmin(PersonalDataAdmin):
    list_display = ["item", "customer", "installed_on", "warranty_until"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]
    paginator = CappedCountPaginator
    show_full_result_count = False


@admin.register(AccountingDocument)
class AccountingDocumentAdmin(PersonalDataAdmin):
    list_display = [
        "__str__",
        "issued_on",
        "fiscal_year",
        "amount_shown",
        "retention_class",
        "customer",
    ]

    @admin.display(description=_("amount"), ordering="amount")
    def amount_shown(self, obj):
        return money(obj.amount)

    list_filter = ["kind", "retention_class", "fiscal_year"]
    list_select_related = ["customer"]
    search_fields = ["number"]
    raw_id_fields = ["customer"]
    paginator = CappedCountPaginator
    show_full_result_count = False


@admin.register(Submission)
class SubmissionAdmin(PersonalDataAdmin, ReadOnlyAdmin):
    list_display = [
        "__str__",
        "customer",
        "language",
        "policy_version",
        "received_at",
        "processed_at",
        "problem",
    ]
    # "Processed at: none" lists what the workers have not processed yet (normally empty
    # after a few seconds; a growing list means no worker or no beat is running).
    list_filter = ["form", ("processed_at", admin.EmptyFieldListFilter)]
    exclude = ["pending"]
    list_select_related = ["customer", "policy_version"]
    paginator = CappedCountPaginator
    show_full_result_count = False
