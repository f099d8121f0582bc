from customers.audit.services import access_log
from customers.core.personal_data import fields_of
from customers.models import AccessLogEntry
from privacysite.http import client_ip


class LogsPersonalDataViews:
    """Every change (detail) view of a record holding personal data leaves an access-log entry."""

    def customers_of(self, obj):
        return [obj.customer_id] if getattr(obj, "customer_id", None) else []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original")
        if obj is not None:
            access_log(
                actor=request.user,
                action=AccessLogEntry.Action.VIEW
                if request.method == "GET"
                else AccessLogEntry.Action.CHANGE,
                customers=self.customers_of(obj),
                fields=[f.name for f in fields_of(self.model._meta.label)],
                ip_address=client_ip(request),
            )
        return response
