from django.contrib import admin, messages
from django.template.response import TemplateResponse
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
        """First a page with what would be sent (count, samples, purpose and basis); the
        sending itself needs that page's confirmation, which campaign_start checks."""
        if request.POST.get("confirm") != "yes":
            previews = []
            for campaign in queryset.select_related("purpose"):
                if campaign.status != Campaign.Status.DRAFT:
                    self.message_user(
                        request,
                        _("%(campaign)s has already been sent.") % {"campaign": campaign},
                        level=messages.WARNING,
                    )
                    continue
                previews.append(
                    communications.campaign_preview(campaign=campaign, actor=request.user)
                )
            if not previews:
                return None
            return TemplateResponse(
                request,
                "admin/customers/campaign/send_confirmation.html",
                {**self.admin_site.each_context(request), "opts": self.model._meta,
                 "previews": previews},
            )  # fmt: skip
        for campaign in queryset:
            try:
                count = communications.campaign_start(
                    campaign=campaign,
                    actor=request.user,
                    confirmation=request.POST.get(f"confirmation_{campaign.pk}", ""),
                )
            except communications.CampaignRefused as exc:
                self.message_user(request, str(exc), level=messages.ERROR)
                continue
            self.message_user(request, _("%(count)s customers will receive it.") % {"count": count})
        return None


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
