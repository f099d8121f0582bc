from django.contrib import admin

from customers.audit.admin_base import PersonalDataAdmin
from customers.consents.labels import PurposeFilter, purpose_column
from customers.core.labels import template_column
from customers.models import Message
from privacysite.admin_utils import CappedCountPaginator, ReadOnlyAdmin


@admin.register(Message)
class MessageAdmin(PersonalDataAdmin, ReadOnlyAdmin):
    list_display = [
        "__str__",
        "customer",
        "purpose_shown",
        "template_shown",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "channel", PurposeFilter]
    list_select_related = ["customer"]
    exclude = ["html_body", "context", "purpose", "template"]
    readonly_fields = ["purpose_shown", "template_shown"]
    purpose_shown = staticmethod(purpose_column)
    template_shown = staticmethod(template_column)
    paginator = CappedCountPaginator
    show_full_result_count = False
