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
from customers.requests.actions import request_actions, what_happened
from customers.requests.effects import DELIVERY
from customers.requests.my_data_forms import CorrectionForm
from customers.requests.workflow import bulk_transitions
from customers.retention.erasure import BLOCKER_TEXT, blockers
from customers.staff.people import staff_name, staff_who_may
from privacysite.admin_utils import CappedCountPaginator, ReadOnlyInline


class HandleForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"))
    ground = forms.ChoiceField(
        label=_("Legal ground (refusing a deletion)"),
        required=False,
        choices=[("", "—"), *DataRequest.RefusalGround.choices],
    )
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
    delivery = forms.ChoiceField(
        label=_("How the copy went (customer without email)"),
        required=False,
        choices=[("", "—"), *DELIVERY.items()],
    )
    note = forms.CharField(
        label=_("Internal note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, data_request, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the workflow table allows for this request, for this staff member.
        self.fields["action"].choices = request_actions(data_request, user)


class IntakeForm(forms.ModelForm):
    """A request the customer made by phone, email, letter or in person."""

    channel = forms.ChoiceField(
        label=_("Received through"),
        choices=[c for c in DataRequest.Channel.choices if c[0] != DataRequest.Channel.WEB],
    )
    identity_check = forms.ChoiceField(
        label=_("Identity verified by"),
        choices=[c for c in DataRequest.IdentityCheck.choices if c[0] != "link"],
    )

    # A correction asked for by phone or letter: the field and its new value, checked as the
    # customer's own correction form checks it.
    correct_field = forms.ChoiceField(
        label=_("Field to correct"),
        required=False,
        choices=[("", "—"), *((n, f.label) for n, f in CorrectionForm.base_fields.items())],
    )
    correct_value = forms.CharField(label=_("Correct value"), required=False)

    class Meta:
        model = DataRequest
        fields = [
            "customer",
            "kind",
            "channel",
            "identity_check",
            "complaint_category",
            "details",
            "correct_field",
            "correct_value",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The customer's number only: a widget that printed the customer's name next to it
        # would show personal data the access log never records.
        self.fields["customer"].widget = forms.NumberInput()
        self.fields["customer"].help_text = _(
            "The customer's number (#…), as on the customer's page, after finding them there."
        )

    def clean(self):
        data = super().clean()
        customer = data.get("customer")
        if customer is not None and customer.is_erased:
            self.add_error("customer", _("The customer's data has been erased."))
        kind = data.get("kind")
        if kind == DataRequest.Kind.OBJECTION and not data.get("details", "").strip():
            self.add_error("details", _("Write down what the customer objects to."))
        data["proposed_changes"] = None
        if kind == DataRequest.Kind.CORRECTION:
            name = data.get("correct_field")
            if not name:
                self.add_error("correct_field", _("Choose the field the customer wants corrected."))
                return data
            try:
                value = CorrectionForm.base_fields[name].clean(data.get("correct_value", ""))
            except forms.ValidationError as error:
                self.add_error("correct_value", error)
                return data
            data["proposed_changes"] = {name: value}
        return data


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


def _bulk_action(step):
    """A list action for one transition of the table, through the same service."""

    @admin.action(description=step.label, permissions=["change"])
    def action(modeladmin, request, queryset):
        moved = skipped = 0
        for data_request in queryset:
            try:
                services.request_move(request=data_request, actor=request.user, action=step.action)
                moved += 1
            except (services.RequestError, PermissionDenied):
                skipped += 1
        modeladmin.message_user(
            request,
            _(
                "%(moved)s request(s) moved; %(skipped)s left as they were (the step does not apply)."
            )
            % {"moved": moved, "skipped": skipped},
            messages.SUCCESS if not skipped else messages.WARNING,
        )

    action.__name__ = f"move_{step.action}"
    return action


BULK_ACTIONS = [_bulk_action(step) for step in bulk_transitions()]


@admin.register(DataRequest)
class DataRequestAdmin(PersonalDataAdmin):
    list_display = [
        "reference",
        "kind",
        "status",
        "customer",
        "received_at",
        "deadline_shown",
        "assignee_shown",
    ]
    list_filter = [
        "status",
        "kind",
        "channel",
        OverdueFilter,
        "complaint_category",
        "incident_needed",
    ]
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
        "channel",
        "identity_check",
        "blockers_shown",
        "answer_reason",
        "answer_remedy",
        "refusal_ground",
        "decided_by",
        "certificate",
        "copy_sent_via",
        "incident_needed",
    ]
    readonly_fields = [f for f in fields if f not in ("assignee", "processor_involved")]
    inlines = [EventInline]
    raw_id_fields = ["customer"]
    actions = BULK_ACTIONS
    proposed_changes_shown = staticmethod(proposed_changes_column)

    @admin.display(description=_("assignee"), ordering="assignee__last_name")
    def assignee_shown(self, obj):
        return staff_name(obj.assignee) if obj.assignee_id else "–"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only colleagues whose role handles requests, by their names (not logins).
        if db_field.name == "assignee":
            kwargs["queryset"] = staff_who_may("customers.change_datarequest")
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = staff_name
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        # Staff record requests made by phone, email, letter or in person (issue 28 §4).
        return request.user.has_perm("customers.add_datarequest")

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = IntakeForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return list(IntakeForm.Meta.fields) if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else super().get_readonly_fields(request, obj)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        filed = services.request_file(
            actor=request.user,
            customer=data["customer"],
            kind=data["kind"],
            channel=data["channel"],
            identity_check=data["identity_check"],
            details=data.get("details", ""),
            complaint_category=data.get("complaint_category", ""),
            proposed_changes=data.get("proposed_changes"),
        )
        obj.pk, obj.reference = filed.pk, filed.reference

    @admin.display(description=_("what blocks an erasure now"))
    def blockers_shown(self, obj):
        """Told to staff, because the customer cannot see most of them."""
        if obj.kind != DataRequest.Kind.DELETION or not obj.is_open:
            return "–"
        found = blockers([obj.customer_id], except_request_id=obj.pk).get(obj.customer_id, [])
        return ", ".join(str(BLOCKER_TEXT[r]) for r in found) or _("nothing")

    def get_actions(self, request):
        actions = super().get_actions(request)
        for step in bulk_transitions():
            name = f"move_{step.action}"
            if name in actions and not all(request.user.has_perm(p) for p in step.permissions):
                del actions[name]
        return actions

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
            if data["action"] == "note":
                services.request_add_note(
                    request=data_request, actor=request.user, note=data["note"]
                )
                self.message_user(request, _("Note added."), messages.SUCCESS)
                return back
            moved = services.request_move(
                request=data_request,
                actor=request.user,
                action=data["action"],
                reason=data["reason"],
                remedy=data["remedy"],
                ground=data["ground"],
                delivery=data["delivery"],
                note=data["note"],
            )
        except services.RequestError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return back
        self.message_user(request, what_happened(moved), messages.SUCCESS)
        return back
