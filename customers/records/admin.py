from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from customers.audit.admin_base import PersonalDataAdmin
from customers.core.fields import EncryptedTextField
from customers.core.readable import form_html
from customers.models import AccountingDocument, Service, Submission, Warranty
from customers.outreach.support import (
    SUMMARY_MAX,
    SupportSummaryMissing,
    support_exchange_notify,
)
from customers.records import restriction_admin  # noqa: F401  (registers its screen)
from privacysite.admin_utils import CappedCountPaginator, ReadOnlyAdmin, action_page
from privacysite.display import money


class SupportExchangeForm(forms.Form):
    summary = forms.CharField(
        label=_("What was asked, done or agreed"),
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


@admin.register(Service)
class ServiceAdmin(PersonalDataAdmin):
    list_display = ["product", "customer", "started_on", "ends_on", "status"]
    list_filter = ["status"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    actions = ["tell_about_support_exchange"]

    @admin.action(
        description=_("Tell the customers about a support exchange"), permissions=["change"]
    )
    def tell_about_support_exchange(self, request, queryset):
        form = SupportExchangeForm(request.POST if "summary" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                count = support_exchange_notify(
                    service_ids=list(queryset.values_list("pk", flat=True)),
                    actor=request.user,
                    summary=form.cleaned_data["summary"],
                )
            except SupportSummaryMissing:
                form.add_error("summary", _("Write what was asked, done or agreed."))
            else:
                self.message_user(
                    request,
                    _("%(count)s customers will receive the summary.") % {"count": count},
                    messages.SUCCESS,
                )
                return None
        return action_page(
            self,
            request,
            queryset,
            action="tell_about_support_exchange",
            form=form,
            title=_("Tell the customers about a support exchange"),
            intro=_(
                "The customer of each selected service receives this summary by email, as our "
                "privacy policy promises for exchanges with technical support. Write no "
                "advertising here."
            ),
            submit=_("Send the summary"),
        )


@admin.register(Warranty)
class WarrantyAdmin(PersonalDataAdmin):
    list_display = ["item", "customer", "installed_on", "warranty_until"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]
    paginator = CappedCountPaginator
    show_full_result_count = False


@admin.register(AccountingDocument)
class AccountingDocumentAdmin(PersonalDataAdmin):
    list_display = [
        "__str__",
        "issued_on",
        "fiscal_year",
        "amount_shown",
        "retention_class",
        "customer",
    ]

    @admin.display(description=_("amount"), ordering="amount")
    def amount_shown(self, obj):
        return money(obj.amount)

    list_filter = ["kind", "retention_class", "fiscal_year"]
    list_select_related = ["customer"]
    search_fields = ["number"]
    # The buyer's name, tax code and address are one line each on an invoice (encrypted text
    # columns would otherwise get a text area).
    formfield_overrides = {EncryptedTextField: {"widget": forms.TextInput(attrs={"size": 70})}}
    raw_id_fields = ["customer"]
    paginator = CappedCountPaginator
    show_full_result_count = False


@admin.register(Submission)
class SubmissionAdmin(PersonalDataAdmin, ReadOnlyAdmin):
    @admin.display(description=_("data as received"))
    def data_shown(self, obj):
        return form_html(obj.data)

    list_display = [
        "__str__",
        "customer",
        "language",
        "policy_version",
        "received_at",
        "processed_at",
        "problem",
    ]
    # "Processed at: none" lists what the workers have not processed yet (normally empty
    # after a few seconds; a growing list means no worker or no beat is running).
    list_filter = ["form", ("processed_at", admin.EmptyFieldListFilter)]
    exclude = ["pending", "submission_key", "sender_index", "data"]
    readonly_fields = ["data_shown"]
    list_select_related = ["customer", "policy_version"]
    paginator = CappedCountPaginator
    show_full_result_count = False
