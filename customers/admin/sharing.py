from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from customers.models import (
    CallTask,
    Campaign,
    Disclosure,
    Incident,
    IncidentNotice,
    LegalDisclosureRequest,
    Recipient,
)
from customers.services import communications, incidents
from privacysite.admin_utils import ReadOnlyAdmin, ReadOnlyInline


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "hosted_in",
        "agreement_date",
        "confidentiality_commitment",
        "ended_on",
        "deletion_confirmed_at",
    ]
    list_filter = ["kind", "hosted_in"]


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyAdmin):
    list_display = ["at", "recipient", "legal_basis", "actor", "fields"]
    list_filter = ["legal_basis", "recipient"]


@admin.register(LegalDisclosureRequest)
class LegalDisclosureRequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "authority_name", "deadline", "status", "may_notify_customer"]
    list_filter = ["status", "authority"]
    readonly_fields = ["status", "objection_until", "decided_by", "disclosed_at", "received_at"]

    def has_delete_permission(self, request, obj=None):
        return False


class NoticeInline(ReadOnlyInline):
    model = IncidentNotice
    fields = ["sent_at", "follow_up", "content"]
    readonly_fields = fields


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "status",
        "detected_at",
        "deadline",
        "authority_notified_at",
        "volume",
    ]
    list_filter = ["status", "harm_possible"]
    readonly_fields = [
        "authority_notified_at",
        "alarms_sent",
        "source_request",
        "created_at",
        "closed_at",
    ]
    inlines = [NoticeInline]
    actions = ["print_form_08", "notify_authority", "notify_customers"]

    def has_delete_permission(self, request, obj=None):
        return False  # incident files are kept at least 5 years (Decree 356 Art 29)

    @admin.display(description=_("notify the authority by"))
    def deadline(self, obj):
        return incidents.incident_deadline(obj)

    @admin.action(description=_("Print the notice to the authority (Form 08)"))
    def print_form_08(self, request, queryset):
        text = "\n\n".join(incidents.form_08(i) for i in queryset)
        return HttpResponse(text, content_type="text/plain; charset=utf-8")

    @admin.action(
        description=_("Record the notice as sent to the authority"), permissions=["change"]
    )
    def notify_authority(self, request, queryset):
        for incident in queryset:
            try:
                incidents.incident_notify_authority(incident=incident, actor=request.user)
            except ValueError:
                self.message_user(
                    request,
                    _("Incident #%(id)s: give the reason for the late notice first.")
                    % {"id": incident.pk},
                    messages.ERROR,
                )

    @admin.action(
        description=_("Send the message to the affected customers"), permissions=["change"]
    )
    def notify_customers(self, request, queryset):
        count = sum(incidents.incident_notify_customers(incident=i) for i in queryset)
        self.message_user(request, _("%(count)s customers will be told.") % {"count": count})


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["__str__", "purpose", "status", "started_at", "audience_size"]
    readonly_fields = ["status", "created_by", "started_at", "audience_size"]
    actions = ["send"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(
        description=_("Send now (audience computed from current consent)"), permissions=["change"]
    )
    def send(self, request, queryset):
        for campaign in queryset:
            count = communications.campaign_start(campaign=campaign)
            self.message_user(request, _("%(count)s customers will receive it.") % {"count": count})


@admin.register(CallTask)
class CallTaskAdmin(admin.ModelAdmin):
    list_display = ["customer", "purpose", "note", "due_on", "done_at"]
    list_filter = [("done_at", admin.EmptyFieldListFilter)]
    raw_id_fields = ["customer"]
