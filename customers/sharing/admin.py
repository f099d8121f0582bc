import copy

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _

from customers.core.personal_data import CUSTOMER_FIELDS
from customers.models import (
    Disclosure,
    LegalDisclosureRequest,
    Recipient,
    RecipientNotice,
)
from customers.sharing import services as disclosures
from customers.sharing.notices import NoticeAnswerMissing, recipient_notice_confirm
from customers.sharing.selectors import recipient_refusal, recipients_for_sharing
from privacysite.admin_utils import ReadOnlyAdmin, action_page

# The register's fields, in the order the form shows them.
RECIPIENT_FIELDS = [
    "name",
    "kind",
    "purpose",
    "purpose_en",
    "purposes",
    "data_categories",
    "data_categories_en",
    "hosted_in",
    "country",
    "active",
    "address",
    "contact",
    "agreement_date",
    "confidentiality_commitment",
    "notice_email",
    "ended_on",
    "deletion_confirmed_at",
]


class RecipientForm(forms.ModelForm):
    class Meta:
        model = Recipient
        fields = RECIPIENT_FIELDS

    def clean(self):
        cleaned = super().clean()
        candidate = copy.copy(self.instance)  # the instance takes the values after clean()
        for name, value in cleaned.items():
            if not Recipient._meta.get_field(name).many_to_many:
                setattr(candidate, name, value)
        refusal = recipient_refusal(candidate) if not self.errors else None
        if refusal:
            raise forms.ValidationError(refusal)
        return cleaned


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    form = RecipientForm
    list_display = [
        "name",
        "kind",
        "active",
        "hosted_in",
        "country",
        "agreement_date",
        "confidentiality_commitment",
        "notice_email",
        "ended_on",
        "deletion_confirmed_at",
    ]
    list_filter = ["kind", "hosted_in", "active"]
    filter_horizontal = ["purposes"]
    fields = RECIPIENT_FIELDS

    def save_model(self, request, obj, form, change):
        disclosures.recipient_save(recipient=obj, actor=request.user)


class AnsweredFilter(admin.SimpleListFilter):
    title = _("answered")
    parameter_name = "answered"

    def lookups(self, request, model_admin):
        return [("no", _("No")), ("yes", _("Yes"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(confirmed_at__isnull=self.value() == "no")
        return queryset


@admin.register(RecipientNotice)
class RecipientNoticeAdmin(admin.ModelAdmin):
    """The data-protection role follows each notice until the recipient's answer is
    recorded; the list opens on the unanswered ones, oldest deadline first."""

    list_display = [
        "recipient",
        "customer_id",
        "kind",
        "fields",
        "deadline",
        "email_status",
        "confirmed_at",
    ]
    list_filter = [AnsweredFilter, "kind", "recipient"]
    fields = [
        "recipient",
        "customer_id",
        "kind",
        "fields",
        "created_at",
        "deadline",
        "email_status",
        "sent_at",
        "confirmation",
        "confirmed_at",
        "confirmed_by",
    ]
    readonly_fields = [f for f in fields if f not in ("sent_at", "confirmation")]

    def changelist_view(self, request, extra_context=None):
        if "answered" not in request.GET and not request.GET.get("_changelist_filters"):
            query = request.GET.copy()
            query["answered"] = "no"
            request.GET = query
            request.META["QUERY_STRING"] = query.urlencode()
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("email to the recipient"))
    def email_status(self, obj):
        return obj.message.get_status_display() if obj.message else _("none (no address)")

    def has_add_permission(self, request):
        return False  # notices come from erasures and corrections

    def has_delete_permission(self, request, obj=None):
        return False  # the record that the recipient was told stays

    def save_model(self, request, obj, form, change):
        # The answer goes through the service: once recorded it is not rewritten.
        if "sent_at" in form.changed_data:
            RecipientNotice.objects.filter(pk=obj.pk).update(sent_at=obj.sent_at)
        if "confirmation" in form.changed_data:
            try:
                recipient_notice_confirm(notice=obj, actor=request.user, answer=obj.confirmation)
            except NoticeAnswerMissing:
                messages.error(request, _("Write what the recipient answered."))


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
                disclosures.legal_request_objection(
                    request=legal_request, actor=request.user, upheld_by_court=upheld
                )
        except disclosures.DisclosureRefused as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return back
        self.message_user(request, _("Recorded."), messages.SUCCESS)
        return back


# --- an action on the customer list: the changelist's filters and search are the query ---


class ShareForm(forms.Form):
    # Authorities and ended recipients are not offered (the service refuses them too).
    recipient = forms.ModelChoiceField(label=_("Recipient"), queryset=Recipient.objects.none())
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=Disclosure.Basis.choices)
    fields = forms.MultipleChoiceField(
        label=_("Fields shared"),
        choices=[(f.name, f.label) for f in CUSTOMER_FIELDS],
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipients_for_sharing()


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
    return action_page(
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
