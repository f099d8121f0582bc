from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _

from customers.audit.admin_base import PersonalDataAdmin
from customers.incidents import services as incidents
from customers.models import Incident, IncidentNotice
from privacysite.admin_utils import ReadOnlyInline, action_page, admin_page
from privacysite.http import client_ip


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


class NoticeInline(ReadOnlyInline):
    model = IncidentNotice
    fields = ["sent_at", "follow_up", "content"]
    readonly_fields = fields


@admin.register(Incident)
class IncidentAdmin(PersonalDataAdmin):
    customer_path = None
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

    # The file lists the customers the incident affects: a look at it is a look at each of
    # them, written to the access log like any other page that names customers.
    def customers_of(self, obj):
        return [int(pk) for pk in obj.customer_ids or []]

    def shown_fields(self, request, obj):
        return {"incident.customer_ids", *super().shown_fields(request, obj)}

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
            found, added, unmatched = incidents.incident_import_leaked_list(
                incident=incident,
                text=form.cleaned_data["identifiers"],
                actor=request.user,
                ip_address=client_ip(request),
            )
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
        count = sum(
            incidents.incident_notify_customers(incident=i, actor=request.user) for i in queryset
        )
        self.message_user(request, _("%(count)s customers will be told.") % {"count": count})


@admin.action(
    description=_("Add the selected customers to an incident"),
    permissions=["add_to_incident"],
)
def add_to_incident(modeladmin, request, queryset):
    form = AddToIncidentForm(request.POST if "incident" in request.POST else None)
    if form.is_bound and form.is_valid():
        incident = form.cleaned_data["incident"]
        added = incidents.incident_add_customers(
            incident=incident,
            customer_ids=queryset.values_list("pk", flat=True),
            actor=request.user,
        )
        modeladmin.message_user(
            request,
            _("%(count)s customers added to %(incident)s.")
            % {"count": added, "incident": incident},
            messages.SUCCESS,
        )
        return None
    return action_page(
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
