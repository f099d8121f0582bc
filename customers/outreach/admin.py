from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from customers.audit.admin_base import PersonalDataAdmin
from customers.models import CallTask, Campaign
from customers.outreach import services as communications


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["__str__", "purpose", "product", "status", "started_at", "audience_size"]
    readonly_fields = ["status", "created_by", "started_at", "audience_size"]
    actions = ["send"]

    def save_model(self, request, obj, form, change):
        communications.campaign_save(campaign=obj, actor=request.user)

    @admin.action(
        description=_("Send now (audience computed from current consent)"), permissions=["change"]
    )
    def send(self, request, queryset):
        for campaign in queryset:
            try:
                count = communications.campaign_start(campaign=campaign, actor=request.user)
            except communications.CampaignRefused as exc:
                self.message_user(request, str(exc), level=messages.ERROR)
                continue
            self.message_user(request, _("%(count)s customers will receive it.") % {"count": count})


@admin.register(CallTask)
class CallTaskAdmin(PersonalDataAdmin):
    list_display = ["customer", "purpose", "note", "due_on", "done_at"]
    list_filter = [("done_at", admin.EmptyFieldListFilter)]
    raw_id_fields = ["customer"]
    # Set only by the action: a call that tells of an erasure starts its notice period.
    readonly_fields = ["done_at"]
    actions = ["mark_done"]

    @admin.action(description=_("Mark the call made"), permissions=["change"])
    def mark_done(self, request, queryset):
        done = sum(
            communications.call_task_done(task=task, actor=request.user)
            for task in queryset.filter(done_at__isnull=True)
        )
        self.message_user(request, _("%(count)s calls marked made.") % {"count": done})
