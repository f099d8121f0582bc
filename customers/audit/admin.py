from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from customers.core.labels import actor_column, fields_column
from customers.models import AccessLogEntry
from privacysite.admin_utils import CappedCountPaginator, ReadOnlyAdmin


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    """The access log: the data-protection role reads it; nobody edits or deletes it."""

    list_display = [
        "at",
        "actor_shown",
        "action",
        "customer_list",
        "fields_shown",
        "reason",
        "ip_address",
        "seal_seq",
    ]
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "at"
    search_fields = ["=subjects__customer__id"]
    search_help_text = _("Enter a customer number to see every look at that customer's data.")
    paginator = CappedCountPaginator
    show_full_result_count = False
    list_per_page = 100
    # Field lists as labels in people's language, not the stored names; the chain's hashes
    # are for the verifier (manage.py verify_access_log), not for reading.
    fields = [
        "at",
        "actor_shown",
        "action",
        "customer_list",
        "fields_shown",
        "reason",
        "ip_address",
        "seal_seq",
    ]
    readonly_fields = ["actor_shown", "customer_list", "fields_shown"]
    fields_shown = staticmethod(fields_column)
    actor_shown = staticmethod(actor_column)

    @admin.display(description=_("customers"))
    def customer_list(self, obj):
        ids = obj.customer_ids
        shown = ", ".join(f"#{i}" for i in ids[:10])
        return shown + (f" (+{len(ids) - 10})" if len(ids) > 10 else "")
