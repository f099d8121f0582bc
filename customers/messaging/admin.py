from django.contrib import admin

from customers.audit.admin_base import PersonalDataAdmin
from customers.models import Message
from privacysite.admin_utils import CappedCountPaginator, ReadOnlyAdmin


@admin.register(Message)
class MessageAdmin(PersonalDataAdmin, ReadOnlyAdmin):
    list_display = ["__str__", "customer", "purpose", "template", "created_at", "sent_at"]
    list_filter = ["status", "channel", "purpose"]
    list_select_related = ["customer"]
    exclude = ["html_body", "context"]
    paginator = CappedCountPaginator
    show_full_result_count = False
