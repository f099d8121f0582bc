from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from customers.audit.admin_base import PersonalDataAdmin
from customers.core.labels import (
    actor_column,
    from_status_column,
    proposed_changes_column,
    to_status_column,
)
from customers.models import DataRequest, DataRequestEvent
from customers.requests import services
from customers.requests.actions import request_actions
from privacysite.admin_utils import CappedCountPaginator, ReadOnlyInline


class HandleForm(forms.Form):
    ACTIONS = [
        ("verified", _("Mark identity verified")),
        ("in_progress", _("Start work")),
        ("answered", _("Answer and close")),
        ("rejected", _("Reject (reason and remedy required)")),
        ("extend", _("Extend once (reason required)")),
        ("apply_correction", _("Apply the proposed correction")),
        ("erase", _("Carry out the deletion (erasure; data-protection role)")),
        ("note", _("Add an internal note")),
    ]
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    reason = forms.CharField(
        label=_("Reason (sent to the customer)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    remedy = forms.CharField(
        label=_("Remedy (sent to the customer)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=_("Internal note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, data_request=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if data_request is not None:
            # Only what applies to this request's type and status, for this staff member.
            self.fields["action"].choices = request_actions(data_request, user, self.ACTIONS)


class OverdueFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("week", _("Due within 7 days"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        open_ = queryset.filter(status__in=DataRequest.OPEN)
        if self.value() == "overdue":
            return open_.filter(due_on__lt=today, extended_until__isnull=True) | open_.filter(
                extended_until__lt=today
            )
        if self.value() == "week":
            return open_.filter(due_on__lte=today + timezone.timedelta(days=7))
        return queryset


class EventInline(ReadOnlyInline):
    model = DataRequestEvent
    fields = ["at", "actor_shown", "from_shown", "to_shown", "note", "internal"]
    readonly_fields = fields
    actor_shown = staticmethod(actor_column)
    from_shown = staticmethod(from_status_column)
    to_shown = staticmethod(to_status_column)


@admin.register(DataRequest)
class DataRequestAdmin(PersonalDataAdmin):
    list_display = [
        "reference",
        "kind",
        "status",
        "customer",
        "received_at",
        "deadline_shown",
        "assignee",
    ]
    list_filter = ["status", "kind", OverdueFilter, "complaint_category", "incident_needed"]
    list_select_related = ["customer", "assignee"]
    search_fields = ["=reference"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    fields = [
        "reference",
        "customer",
        "kind",
        "status",
        "complaint_category",
        "details",
        "proposed_changes_shown",
        "attachment",
        "received_at",
        "acknowledge_by",
        "due_on",
        "extended_until",
        "extension_reason",
        "assignee",
        "processor_involved",
        "answer_reason",
        "answer_remedy",
        "incident_needed",
    ]
    readonly_fields = [f for f in fields if f not in ("assignee", "processor_involved")]
    inlines = [EventInline]
    proposed_changes_shown = staticmethod(proposed_changes_column)

    def has_add_permission(self, request):
        return False  # requests come from customers (my-data) or staff on their behalf later

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("deadline"), ordering="due_on")
    def deadline_shown(self, obj):
        if obj.is_overdue:
            return format_html('<strong class="errornote">{} ⚠</strong>', obj.deadline)
        return obj.deadline

    def get_urls(self):
        return [
            path(
                "<int:object_id>/handle/",
                self.admin_site.admin_view(self.handle_view),
                name="customers_datarequest_handle",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        data_request = DataRequest.objects.filter(pk=object_id).first()
        form = HandleForm(data_request=data_request, user=request.user) if data_request else None
        extra_context = {**(extra_context or {}), "handle_form": form}
        return super().change_view(request, object_id, form_url, extra_context)

    def handle_view(self, request, object_id):
        data_request = get_object_or_404(DataRequest, pk=object_id)
        if request.method != "POST" or not self.has_change_permission(request, data_request):
            raise PermissionDenied
        form = HandleForm(request.POST, data_request=data_request, user=request.user)
        back = redirect(reverse("admin:customers_datarequest_change", args=[object_id]))
        if not form.is_valid():
            self.message_user(
                request,
                _("This action does not apply to the request as it is now. Choose another."),
                messages.ERROR,
            )
            return back
        data = form.cleaned_data
        try:
            action = data["action"]
            if action == "extend":
                services.request_extend(
                    request=data_request, actor=request.user, reason=data["reason"]
                )
            elif action == "erase":
                if not request.user.has_perm("customers.erase_customer"):
                    raise PermissionDenied
                services.request_carry_out_deletion(request=data_request, actor=request.user)
            elif action == "apply_correction":
                services.request_apply_correction(request=data_request, actor=request.user)
            elif action == "note":
                services.request_add_note(
                    request=data_request, actor=request.user, note=data["note"]
                )
            else:
                services.request_transition(
                    request=data_request,
                    actor=request.user,
                    to_status=action,
                    reason=data["reason"],
                    remedy=data["remedy"],
                    note=data["note"],
                )
        except services.RequestError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return back
        self.message_user(request, _("Done."), messages.SUCCESS)
        return back
