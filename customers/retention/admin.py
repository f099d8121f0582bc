from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from customers.audit.admin_base import PersonalDataAdmin
from customers.core.labels import actor_column
from customers.core.readable import lines_html
from customers.models import (
    DestructionList,
    ErasureCertificate,
    LegalHold,
    RetentionRule,
    RetentionRun,
)
from customers.retention.services import (
    destruction_approve,
    legal_hold_save,
    legal_holds_release,
)
from privacysite.admin_utils import CappedCountPaginator, ReadOnlyAdmin, action_page


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = [
        "category",
        "period_months",
        "anchor",
        "action",
        "minimum_months",
        "notice_days",
        "updated_at",
    ]
    readonly_fields = ["category", "minimum_months", "updated_at", "updated_by"]
    fields = [
        "category",
        "period_months",
        "anchor",
        "action",
        "legal_basis",
        "notice_days",
        "minimum_months",
        "updated_at",
        "updated_by",
    ]

    def has_add_permission(self, request):
        return False  # one rule per category, created by setup

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(LegalHold)
class LegalHoldAdmin(PersonalDataAdmin):
    list_display = ["customer", "reason", "placed_by", "placed_at", "released_at"]
    list_filter = [("released_at", admin.EmptyFieldListFilter)]
    raw_id_fields = ["customer"]
    readonly_fields = ["placed_by", "placed_at"]
    actions = ["release"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        legal_hold_save(hold=obj, actor=request.user)

    @admin.action(description=_("Release the selected holds"), permissions=["change"])
    def release(self, request, queryset):
        count = legal_holds_release(holds=queryset, actor=request.user)
        self.message_user(request, _("%(count)s holds released.") % {"count": count})


@admin.register(ErasureCertificate)
class ErasureCertificateAdmin(PersonalDataAdmin, ReadOnlyAdmin):
    list_display = ["customer_id", "erased_at", "trigger", "rule", "actor_shown"]
    list_filter = ["trigger"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    # What was kept and erased in words, not the JSON the certificate stores.
    fields = [
        "customer",
        "erased_at",
        "trigger",
        "rule",
        "reason",
        "actor_shown",
        "kept_shown",
        "counts_shown",
    ]
    readonly_fields = fields
    actor_shown = staticmethod(actor_column)

    @admin.display(description=_("kept, why and until when"))
    def kept_shown(self, obj):
        return lines_html(obj.kept) if obj.kept else _("Nothing")

    @admin.display(description=_("what was erased"))
    def counts_shown(self, obj):
        return lines_html(obj.counts)


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ["day", "scheduled", "dry_run", "started_at", "finished_at", "summary_shown"]
    fields = ["day", "scheduled", "dry_run", "started_at", "finished_at", "summary_shown"]
    readonly_fields = fields

    @admin.display(description=_("summary"))
    def summary_shown(self, obj):
        return lines_html(obj.summary)


class ApproveForm(forms.Form):
    council = forms.CharField(
        label=_("Destruction council (names and titles)"), widget=forms.Textarea(attrs={"rows": 3})
    )


@admin.register(DestructionList)
class DestructionListAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "approved_by", "approved_at", "destroyed_at"]
    readonly_fields = [
        "proposed_at",
        "status",
        "description",
        "approved_by",
        "approved_at",
        "minutes",
        "destroyed_at",
        "document_ids",
    ]
    fields = [
        "proposed_at",
        "status",
        "description",
        "council",
        "approved_by",
        "approved_at",
        "minutes",
        "destroyed_at",
    ]
    actions = ["approve"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(
        description=_("Approve destruction (the council is recorded in the minutes)"),
        permissions=["change"],
    )
    def approve(self, request, queryset):
        """Asks for the council on an intermediate page, then approves each list."""
        form = ApproveForm(request.POST if "council" in request.POST else None)
        if not (form.is_bound and form.is_valid()):
            return action_page(
                self,
                request,
                queryset,
                action="approve",
                form=form,
                title=_("Approve destruction"),
                intro=_(
                    "The council that decided the destruction is written into the minutes"
                    " (biên bản) of each list."
                ),
                submit=_("Approve destruction"),
            )
        for destruction_list in queryset:
            if destruction_approve(
                destruction_list=destruction_list,
                actor=request.user,
                council=form.cleaned_data["council"],
            ):
                self.message_user(request, _("Approved: the documents will be destroyed."))
        return None
