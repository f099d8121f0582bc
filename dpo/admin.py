"""The DPO's admin: the compliance profile, the risk assessment, the dossier versions (with
generate, review, sign-off and filing) and the update clocks. Signing and filing need the
``sign_*``/``file_*`` permissions, which only the data-protection role holds
(``customers.core.roles``)."""

import threading

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from customers.models import Recipient
from dpo.admin_dossiers import DossierVersionAdmin  # noqa: F401  (registers its screen)
from dpo.models import AccessAlert, ComplianceProfile, DossierVersion, RiskAssessment, UpdateClock
from dpo.selectors import profile, subjects_ever_processed
from dpo.services.clocks import clock_start
from dpo.services.profile import profile_update, risk_assessment_save, risk_assessment_sign
from privacysite.admin_utils import ReadOnlyAdmin
from privacysite.display import number


@admin.register(ComplianceProfile)
class ComplianceProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "dpo_provider", "enterprise_size", "subjects_shown", "updated_at"]
    readonly_fields = ["subjects_shown", "updated_at"]
    fieldsets = [
        (
            _("Data-protection officer"),
            {
                # The DPO's name and contact are in the company profile (customers).
                "fields": [
                    "dpo_provider",
                    "system_hosting",
                ]
            },
        ),
        (
            _("SME exemption (Law 91 Art 38; Decree 356 Art 41)"),
            {
                "fields": [
                    "enterprise_size",
                    "offers_processing_services",
                    "processes_sensitive_data",
                    "first_processing_on",
                    "subjects_shown",
                    "updated_at",
                ]
            },
        ),
    ]

    @admin.display(description=_("distinct data subjects ever processed"))
    def subjects_shown(self, obj):
        # The dashboard's number: the daily check's high-water mark or the customers on
        # record now, whichever is higher (the check may not have run yet today).
        return number(subjects_ever_processed(obj))

    def has_add_permission(self, request):
        # One row: it is created on first use.
        return super().has_add_permission(request) and not ComplianceProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):

        profile()  # the one row exists from the first look, with the settings' defaults
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        obj.pk = 1
        profile_update(profile=obj, actor=request.user, changed=form.changed_data)


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "created_at", "created_by", "signed_at", "signed_by"]
    fields = ["text", "created_by", "signed_at", "signed_by"]
    readonly_fields = ["created_by", "signed_at", "signed_by"]
    actions = ["sign"]

    def has_change_permission(self, request, obj=None):
        # A signed assessment is evidence of what the DPO signed: write a new one instead.
        if obj is not None and obj.signed_at:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_sign_permission(self, request):
        return request.user.has_perm("dpo.sign_riskassessment")

    def save_model(self, request, obj, form, change):
        risk_assessment_save(assessment=obj, actor=request.user)

    @admin.action(description=_("Sign the selected risk assessment"), permissions=["sign"])
    def sign(self, request, queryset):
        signed = sum(risk_assessment_sign(assessment=a, actor=request.user) for a in queryset)
        self.message_user(request, _("%(count)s risk assessments signed.") % {"count": signed})


class ClockForm(forms.ModelForm):
    class Meta:
        model = UpdateClock
        fields = ["reason"]


@admin.register(UpdateClock)
class UpdateClockAdmin(admin.ModelAdmin):
    """Open clocks first; a reorganisation is declared here and starts the 10-day clock."""

    form = ClockForm
    list_display = ["__str__", "kind", "reason", "started_at", "due_on", "closed_at"]
    list_filter = ["kind", ("closed_at", admin.EmptyFieldListFilter)]

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):

        clock = clock_start(
            kind=UpdateClock.Kind.TEN_DAYS,
            reason=obj.reason,
            actor=request.user,
            trigger_key=f"10d:declared:{timezone.now():%Y%m%d%H%M%S%f}",
        )
        obj.pk = clock.pk
        obj.__dict__.update({k: v for k, v in clock.__dict__.items() if not k.startswith("_")})


@admin.register(AccessAlert)
class AccessAlertAdmin(ReadOnlyAdmin):
    list_display = ["day", "actor", "customers_seen", "usual", "mailed_at"]
    list_select_related = ["actor"]


# The recipients' admin lives in customers, which must not import this app: extend the class
# registered there with the cross-border warning (Law 91 Art 20; Decree 356 Art 17-18).
def _tia_covered_names() -> set[str]:
    filed = (
        DossierVersion.objects.filter(kind="tia", status=DossierVersion.Status.FILED)
        .order_by("-filed_on", "-number")
        .only("facts")
        .first()
    )
    return {r["name"] for r in (filed.facts.get("abroad", []) if filed else [])}


def _with_transfer_warning(base):
    class RecipientWithTransferWarning(base):
        # One query per list page, kept per thread (a ModelAdmin serves every request).
        _local = threading.local()

        def get_list_display(self, request):
            self._local.covered = _tia_covered_names()
            return [*super().get_list_display(request), "transfer_assessment"]

        @admin.display(description=_("cross-border assessment"))
        def transfer_assessment(self, obj):
            if obj.hosted_in != Recipient.Hosting.ABROAD:
                return "—"
            if obj.name in getattr(self._local, "covered", set()):
                return _("filed")
            return format_html('<strong class="errornote">{}</strong>', _("missing"))

        def change_view(self, request, object_id, form_url="", extra_context=None):
            obj = self.get_object(request, object_id)
            if (
                request.method == "GET"
                and obj is not None
                and obj.hosted_in == Recipient.Hosting.ABROAD
                and obj.name not in _tia_covered_names()
            ):
                self.message_user(
                    request,
                    _(
                        "This recipient is hosted abroad and no filed cross-border transfer "
                        "assessment (Form 09) covers it: file one within 60 days of the first "
                        "transfer."
                    ),
                    messages.WARNING,
                )
            return super().change_view(request, object_id, form_url, extra_context)

    RecipientWithTransferWarning.__name__ = base.__name__
    return RecipientWithTransferWarning


if admin.site.is_registered(Recipient):
    _base = type(admin.site.get_model_admin(Recipient))
    admin.site.unregister(Recipient)
    admin.site.register(Recipient, _with_transfer_warning(_base))
