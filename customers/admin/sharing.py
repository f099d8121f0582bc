from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _

from customers.models import (
    AccessLogEntry,
    CallTask,
    Campaign,
    Disclosure,
    Incident,
    IncidentNotice,
    LegalDisclosureRequest,
    Recipient,
)
from customers.personal_data import CUSTOMER_FIELDS
from customers.services import communications, disclosures, incidents
from customers.services.access_log import access_log
from privacysite.admin_utils import ReadOnlyAdmin, ReadOnlyInline, admin_page
from privacysite.http import client_ip


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


class LegalStepForm(forms.Form):
    STEPS = [
        ("notify", _("Decide: the customers may be told (objection window opens)")),
        ("gag", _("Decide: the customers may not be told")),
        ("objection", _("The customer objected; a court will decide")),
        ("upheld", _("The court upheld the objection: stop")),
        ("dismissed", _("The court dismissed the objection: go ahead")),
        ("disclose", _("Record what was given")),
    ]
    step = forms.ChoiceField(label=_("Step"), choices=STEPS)
    reason = forms.CharField(label=_("Reason for the decision"), required=False)
    objection_days = forms.IntegerField(
        label=_("Objection window (days)"), initial=7, min_value=1, max_value=60
    )
    fields = forms.CharField(label=_("Fields given (comma-separated)"), required=False)
    form = forms.CharField(label=_("Form given in"), required=False, max_length=100)


@admin.register(LegalDisclosureRequest)
class LegalDisclosureRequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "authority_name", "deadline", "status", "may_notify_customer"]
    list_filter = ["status", "authority"]
    readonly_fields = [
        "status",
        "may_notify_customer",
        "notify_reason",
        "objection_until",
        "objection_received",
        "decided_by",
        "disclosed_at",
        "disclosed_fields",
        "disclosed_form",
        "received_at",
    ]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:object_id>/step/",
                self.admin_site.admin_view(self.step_view),
                name="customers_legaldisclosurerequest_step",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "step_form": LegalStepForm()}
        return super().change_view(request, object_id, form_url, extra_context)

    def step_view(self, request, object_id):
        legal_request = get_object_or_404(LegalDisclosureRequest, pk=object_id)
        if request.method != "POST" or not self.has_change_permission(request, legal_request):
            raise PermissionDenied
        form = LegalStepForm(request.POST)
        back = redirect("admin:customers_legaldisclosurerequest_change", object_id)
        if not form.is_valid():
            self.message_user(request, _("Choose a step."), messages.ERROR)
            return back
        data = form.cleaned_data
        try:
            step = data["step"]
            if step in ("notify", "gag"):
                disclosures.legal_request_decide(
                    request=legal_request,
                    actor=request.user,
                    may_notify=step == "notify",
                    reason=data["reason"],
                    objection_days=data["objection_days"],
                )
            elif step == "disclose":
                fields = [f.strip() for f in data["fields"].split(",") if f.strip()]
                disclosures.legal_request_disclose(
                    request=legal_request, actor=request.user, fields=fields, form=data["form"]
                )
            else:
                upheld = {"objection": None, "upheld": True, "dismissed": False}[step]
                disclosures.legal_request_objection(request=legal_request, upheld_by_court=upheld)
        except disclosures.DisclosureRefused as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return back
        self.message_user(request, _("Recorded."), messages.SUCCESS)
        return back


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

    def get_urls(self):
        return [
            path(
                "<int:object_id>/affected/",
                self.admin_site.admin_view(self.affected_view),
                name="customers_incident_affected",
            ),
            *super().get_urls(),
        ]

    def affected_view(self, request, object_id):
        """Import the affected customers from a leaked list (a complaint, a found file)."""
        incident = get_object_or_404(Incident, pk=object_id)
        if not self.has_change_permission(request, incident):
            raise PermissionDenied
        form = LeakListForm(request.POST or None)
        if form.is_valid():
            found, unmatched = incidents.customers_matching_leak(form.cleaned_data["identifiers"])
            # Matching tells staff whose data leaked: a search, in the access log.
            access_log(
                actor=request.user,
                action=AccessLogEntry.Action.SEARCH,
                customers=found,
                fields=["email", "phone_mobile", "phone_home", "phone_office", "tax_code"],
                reason=f"incident {incident.pk}: leaked list",
                ip_address=client_ip(request),
            )
            added = incidents.incident_add_customers(incident=incident, customer_ids=found)
            self.message_user(
                request,
                _(
                    "%(found)s customers matched, %(added)s of them new to this incident;"
                    " %(unmatched)s lines matched nobody."
                )
                % {"found": len(found), "added": added, "unmatched": unmatched},
                messages.SUCCESS,
            )
            return redirect("admin:customers_incident_change", incident.pk)
        return admin_page(
            self,
            request,
            "admin/customers/incident/affected.html",
            _("Import affected customers"),
            form=form,
            original=incident,
        )

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


# --- actions on the customer list: the changelist's filters and search are the query ------


class ShareForm(forms.Form):
    recipient = forms.ModelChoiceField(
        label=_("Recipient"), queryset=Recipient.objects.filter(ended_on__isnull=True)
    )
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=Disclosure.Basis.choices)
    fields = forms.MultipleChoiceField(
        label=_("Fields shared"),
        choices=[(f.name, f.label) for f in CUSTOMER_FIELDS],
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class AddToIncidentForm(forms.Form):
    incident = forms.ModelChoiceField(
        label=_("Incident"), queryset=Incident.objects.exclude(status=Incident.Status.CLOSED)
    )


class LeakListForm(forms.Form):
    identifiers = forms.CharField(
        label=_("Leaked emails, phone numbers or tax codes, one per line"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=200_000,
        help_text=_("Matched exactly by blind index; what you paste here is not stored."),
    )


def _action_page(modeladmin, request, queryset, *, action, form, title, intro, submit):
    """The intermediate page of an action: it posts back to the same changelist URL with the
    same selection, so "select all N matching" keeps its filters."""
    return admin_page(
        modeladmin,
        request,
        "admin/customers/customer/action_form.html",
        title,
        intro=intro,
        submit=submit,
        form=form,
        action=action,
        count=queryset.count(),
        selected=request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        select_across=request.POST.get("select_across", "0"),
    )


@admin.action(
    description=_("Record a sharing of the selected customers' data"),
    permissions=["record_sharing"],
)
def record_sharing(modeladmin, request, queryset):
    form = ShareForm(request.POST if "recipient" in request.POST else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            disclosure = disclosures.disclosure_record(
                recipient=data["recipient"],
                customer_ids=list(queryset.values_list("pk", flat=True)),
                fields=data["fields"],
                legal_basis=data["legal_basis"],
                actor=request.user,
                note=data["note"],
            )
        except disclosures.DisclosureRefused as exc:
            form.add_error(None, str(exc))
        else:
            modeladmin.message_user(
                request,
                _("Sharing with %(recipient)s recorded for %(count)s customers.")
                % {"recipient": disclosure.recipient, "count": len(disclosure.customer_ids)},
                messages.SUCCESS,
            )
            return None
    return _action_page(
        modeladmin,
        request,
        queryset,
        action="record_sharing",
        form=form,
        title=_("Record a sharing"),
        intro=_(
            "Every sharing of customer data is recorded: to whom, whose, which fields and on"
            " what basis. Sharing with a partner needs each customer's current consent."
        ),
        submit=_("Record the sharing"),
    )


@admin.action(
    description=_("Add the selected customers to an incident"),
    permissions=["add_to_incident"],
)
def add_to_incident(modeladmin, request, queryset):
    form = AddToIncidentForm(request.POST if "incident" in request.POST else None)
    if form.is_bound and form.is_valid():
        incident = form.cleaned_data["incident"]
        added = incidents.incident_add_customers(
            incident=incident, customer_ids=queryset.values_list("pk", flat=True)
        )
        modeladmin.message_user(
            request,
            _("%(count)s customers added to %(incident)s.")
            % {"count": added, "incident": incident},
            messages.SUCCESS,
        )
        return None
    return _action_page(
        modeladmin,
        request,
        queryset,
        action="add_to_incident",
        form=form,
        title=_("Add customers to an incident"),
        intro=_(
            "Filter or search the customer list to find who was affected (for example by"
            " source, service or status), select them all, then choose the incident."
        ),
        submit=_("Add to the incident"),
    )
