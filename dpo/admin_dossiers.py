"""The dossier versions' admin: generate, download, and the steps generated → reviewed →
signed off → filed as buttons on the version page (and list actions), each by the service in
``dpo.services.dossiers``, which checks the permission, the order and the required parts."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from customers.audit.services import access_log
from customers.models import AccessLogEntry
from dpo.contents import may_download
from dpo.models import DossierVersion
from dpo.selectors import MissingFact
from dpo.services import dossiers
from privacysite.admin_utils import admin_page
from privacysite.http import client_ip


class FilingForm(forms.Form):
    filed_on = forms.DateField(
        label=capfirst(_("filed on")), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=capfirst(_("filing reference")), max_length=100)

    def clean_filed_on(self):
        value = self.cleaned_data["filed_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The filing date cannot be in the future."))
        return value


@admin.register(DossierVersion)
class DossierVersionAdmin(admin.ModelAdmin):
    change_list_template = "admin/dpo/dossierversion/change_list.html"
    change_form_template = "admin/dpo/dossierversion/change_form.html"
    list_display = [
        "__str__",
        "status",
        "generated_at",
        "signed_by",
        "filed_on",
        "filing_reference",
        "download",
    ]
    list_filter = ["kind", "status"]
    list_select_related = ["signed_by"]
    fields = [
        "kind",
        "number",
        "status",
        "download",
        "sha256",
        "change_list",
        "generated_at",
        "generated_by",
        "reviewed_at",
        "reviewed_by",
        "signed_at",
        "signed_by",
        "filed_on",
        "filing_reference",
    ]
    readonly_fields = fields
    actions = ["review", "sign_off", "record_filing"]

    def has_add_permission(self, request):
        return False  # versions are generated from the live data, never typed in

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_review_permission(self, request):
        return request.user.has_perm("dpo.change_dossierversion")

    def has_sign_permission(self, request):
        return request.user.has_perm("dpo.sign_dossierversion")

    def has_file_permission(self, request):
        return request.user.has_perm("dpo.file_dossierversion")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("generate/<str:kind>/", wrap(self.generate_view), name="dpo_dossier_generate"),
            path("<int:pk>/download/", wrap(self.download_view), name="dpo_dossier_download"),
            path("<int:pk>/step/<str:step>/", wrap(self.step_view), name="dpo_dossier_step"),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        # A version whose contents the user may not see is not listed either.
        kinds = [kind for kind in DossierVersion.Kind.values if may_download(request.user, kind)]
        return super().get_queryset(request).filter(kind__in=kinds)

    @admin.display(description=_("file"))
    def download(self, obj):
        # The name it downloads under (the stored file has a random one).
        url = reverse("admin:dpo_dossier_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.filename)

    @admin.display(description=_("changes since the last filed version"))
    def change_list(self, obj):
        if not obj.changes:
            filed_before = DossierVersion.objects.filter(
                kind=obj.kind, status=DossierVersion.Status.FILED, number__lt=obj.number
            ).exists()
            if not filed_before:
                return _("No version has been filed yet: this is the first filing.")
            return _("No change since the last filed version.")
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((c,) for c in obj.changes))
        )

    def changelist_view(self, request, extra_context=None):
        extra = {
            "dossier_kinds": DossierVersion.Kind.choices,
            "can_generate": self.has_add_version_permission(request),
        }
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def has_add_version_permission(self, request):
        return request.user.has_perm("dpo.add_dossierversion")

    def generate_view(self, request, kind):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_version_permission(request) or kind not in DossierVersion.Kind.values:
            raise PermissionDenied
        try:
            version = dossiers.dossier_generate(kind=kind, actor=request.user)
        except MissingFact as missing:
            self.message_user(request, str(missing), messages.ERROR)
            return redirect("admin:dpo_dossierversion_changelist")
        self.message_user(request, _("%(version)s generated.") % {"version": version})
        return redirect("admin:dpo_dossierversion_change", version.pk)

    def download_view(self, request, pk):
        version = get_object_or_404(DossierVersion, pk=pk)
        if not self.has_view_permission(request, version) or not may_download(
            request.user, version.kind
        ):
            raise PermissionDenied
        # Every download is a look at what the dossier holds: written to the access log, as
        # building it was.
        access_log(
            actor=request.user,
            action=AccessLogEntry.Action.EXPORT,
            reason=f"dossier {version.kind} v{version.number} download",
            ip_address=client_ip(request),
        )
        return FileResponse(version.file.open("rb"), as_attachment=True, filename=version.filename)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, object_id)
        extra = {
            "can_review": self.has_review_permission(request),
            "can_sign": self.has_sign_permission(request),
            "can_file": self.has_file_permission(request),
            "filing_form": FilingForm(),
            "missing_parts": dossiers.missing_parts(version) if version else [],
        }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    STEPS = {
        "review": ("has_review_permission", _("%(version)s is marked reviewed.")),
        "sign": ("has_sign_permission", _("%(version)s is signed off: it can now be filed.")),
        "file": ("has_file_permission", _("The filing of %(version)s is recorded.")),
    }

    def step_view(self, request, pk, step):
        """The version page's buttons: one step of generated → reviewed → signed → filed, by
        the service (which checks the permission and the order), with a message either way."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        version = get_object_or_404(self.get_queryset(request), pk=pk)
        if step not in self.STEPS or not getattr(self, self.STEPS[step][0])(request):
            raise PermissionDenied
        back = redirect("admin:dpo_dossierversion_change", version.pk)
        try:
            if step == "review":
                version = dossiers.dossier_review(version=version, actor=request.user)
            elif step == "sign":
                version = dossiers.dossier_sign(version=version, actor=request.user)
            else:
                form = FilingForm(request.POST)
                if not form.is_valid():
                    errors = [e for field in form.errors.values() for e in field]
                    self.message_user(request, " ".join(errors), messages.ERROR)
                    return back
                version = dossiers.dossier_file(
                    version=version,
                    actor=request.user,
                    filed_on=form.cleaned_data["filed_on"],
                    reference=form.cleaned_data["reference"],
                )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return back
        self.message_user(request, self.STEPS[step][1] % {"version": version}, messages.SUCCESS)
        return back

    def _each(self, request, queryset, service, **kwargs):
        done = 0
        for version in queryset:
            try:
                service(version=version, actor=request.user, **kwargs)
                done += 1
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
        if done:
            self.message_user(
                request, _("%(count)s version(s) moved on.") % {"count": done}, messages.SUCCESS
            )

    @admin.action(description=_("Mark the selected versions reviewed"), permissions=["review"])
    def review(self, request, queryset):
        self._each(request, queryset, dossiers.dossier_review)

    @admin.action(description=_("Sign off the selected versions (DPO)"), permissions=["sign"])
    def sign_off(self, request, queryset):
        self._each(request, queryset, dossiers.dossier_sign)

    @admin.action(description=_("Record the filing (date and reference)"), permissions=["file"])
    def record_filing(self, request, queryset):
        if not queryset.filter(status=DossierVersion.Status.SIGNED).exists():
            self.message_user(
                request,
                _("Only a version signed off by the DPO can be filed: sign it off first."),
                messages.ERROR,
            )
            return None
        form = FilingForm(request.POST if "reference" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._each(
                request,
                queryset,
                dossiers.dossier_file,
                filed_on=form.cleaned_data["filed_on"],
                reference=form.cleaned_data["reference"],
            )
            return None
        return admin_page(
            self,
            request,
            "admin/dpo/dossierversion/filing.html",
            _("Record the filing"),
            form=form,
            queryset=queryset,
        )
