"""The import screens: upload a file (and download the template), the batch's page with its
preview, its progress while the worker reads or writes, and the buttons a person decides
with (import, cancel, abandon, undo); the DPO's list of imported customers to review."""

import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _

from customers.audit.admin_base import PersonalDataAdmin
from customers.imports import services
from customers.imports.columns import COLUMNS, HEADER_OF, MESSAGES
from customers.imports.mapping_form import MappingForm
from customers.imports.run import time_left
from customers.models import ImportBatch, ImportedCustomerReview, ImportIssue
from privacysite.admin_utils import admin_page

ISSUES_PER_PAGE = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (xlsx or CSV)"),
        help_text=_(
            "Laid out as the template. CSV may be UTF-8 (with or without BOM), UTF-16 or "
            "Windows-1258, as Vietnamese Excel saves it."
        ),
    )


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Khách hàng")
    sheet.append([header for _key, header in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["__str__", "file_name", "status", "created_by_label", "created_at",
                    "rows_read", "customers_created", "rows_error"]  # fmt: skip
    list_filter = ["status"]

    def has_add_permission(self, request):
        return request.user.has_perms(services.NEEDED)

    def has_change_permission(self, request, obj=None):
        return False  # changed only through its buttons (the services)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "template.xlsx",
                self.admin_site.admin_view(self.template_view),
                name="customers_importbatch_template",
            ),
            path(
                "<int:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="customers_importbatch_decide",
            ),
            path(
                "<int:object_id>/mapping/",
                self.admin_site.admin_view(self.mapping_view),
                name="customers_importbatch_mapping",
            ),
            *super().get_urls(),
        ]

    def template_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        response = HttpResponse(template_xlsx(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="mau-nhap-khach-hang.xlsx"'
        return response

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            batch = services.import_upload(actor=request.user, upload=form.cleaned_data["file"])
            return redirect("admin:customers_importbatch_change", batch.pk)
        return admin_page(
            self,
            request,
            "admin/customers/importbatch/upload.html",
            _("Import customers from a file"),
            form=form,
            columns=COLUMNS,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        batch = get_object_or_404(ImportBatch, pk=object_id)
        if not self.has_view_permission(request, batch):
            raise PermissionDenied
        issues = ImportIssue.objects.filter(batch=batch).select_related(None)
        level = request.GET.get("level", "")
        if level in ImportIssue.Level.values:
            issues = issues.filter(level=level)
        page = Paginator(issues.order_by("row", "id"), ISSUES_PER_PAGE).get_page(
            request.GET.get("page")
        )
        for issue in page:
            issue.column_label = HEADER_OF.get(issue.column, issue.column)
            issue.text = MESSAGES.get(issue.code, issue.message)
            if issue.code == "duplicate_in_file":
                issue.text = issue.message
        left = time_left(batch)
        may_act = request.user.has_perms(services.NEEDED)
        S = ImportBatch.Status
        may_map = may_act and (
            batch.status == S.NEEDS_MAPPING
            or (batch.status == S.PREVIEWED and batch.column_mapping_id and not batch.dry_run)
        )
        return admin_page(
            self,
            request,
            "admin/customers/importbatch/batch.html",
            str(batch),
            original=batch,
            page=page,
            level=level,
            levels=ImportIssue.Level.choices,
            seconds_left=int(left) if left is not None else None,
            working=batch.status in (S.UPLOADED, S.PREVIEWING, S.IMPORTING),
            may_confirm=may_act and batch.status == S.PREVIEWED and not batch.dry_run,
            may_cancel=may_act
            and batch.status in (S.UPLOADED, S.NEEDS_MAPPING, S.PREVIEWING, S.IMPORTING),
            may_abandon=may_act and batch.status == S.PREVIEWED,
            may_undo=may_act and batch.status == S.DONE and services.undo_until(batch) is not None,
            undo_until=services.undo_until(batch),
            mapping_form=mapping_form(batch) if may_map else None,
        )

    def mapping_view(self, request, object_id):
        batch = get_object_or_404(ImportBatch, pk=object_id)
        if request.method != "POST":
            return redirect("admin:customers_importbatch_change", batch.pk)
        form = MappingForm(request.POST, headers=list(batch.file_headers))
        try:
            if not form.is_valid():
                raise ValueError("invalid")
            services.import_mapping_save(batch=batch, actor=request.user, mapping=form.mapping())
        except (ValueError, services.ImportRefused):
            self.message_user(
                request,
                _("This mapping was not saved: each header at most once, “Họ và tên” required."),
                messages.ERROR,
            )
        else:
            self.message_user(
                request, _("Mapping saved: the file is being read again with it."), messages.SUCCESS
            )
        return redirect("admin:customers_importbatch_change", batch.pk)

    def decide_view(self, request, object_id):
        batch = get_object_or_404(ImportBatch, pk=object_id)
        if request.method != "POST":
            return redirect("admin:customers_importbatch_change", batch.pk)
        decision = request.POST.get("decision")
        act = {
            "confirm": services.import_confirm,
            "cancel": services.import_cancel,
            "abandon": services.import_abandon,
            "undo": services.import_undo,
        }.get(decision)
        if act is None:
            raise PermissionDenied
        try:
            act(batch=batch, actor=request.user)
        except services.ImportRefused:
            self.message_user(
                request, _("This import can no longer be changed that way."), messages.ERROR
            )
        else:
            self.message_user(request, DONE_TEXT[decision], messages.SUCCESS)
        return redirect("admin:customers_importbatch_change", batch.pk)


def mapping_form(batch) -> MappingForm:
    remembered = batch.column_mapping.mapping if batch.column_mapping_id else None
    return MappingForm(headers=list(batch.file_headers), initial_mapping=remembered)


DONE_TEXT = {
    "confirm": _("Confirmed: the rows without errors are being imported."),
    "cancel": _("Cancelled."),
    "abandon": _("Abandoned: nothing was imported and the file is deleted."),
    "undo": _("Undone: the customers this import created are erased; those who existed stay."),
}


@admin.register(ImportedCustomerReview)
class ImportedCustomerReviewAdmin(PersonalDataAdmin):
    """Imported customers already past the inactivity period: the retention sweep tells them
    but erases none until the DPO has reviewed them here."""

    list_display = ["customer_id", "batch", "row", "collected_on", "lawful_basis", "reviewed_at"]
    list_filter = [("reviewed_at", admin.EmptyFieldListFilter)]
    actions = ["reviewed"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(inactive_at_import=True)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("customers.view_importedcustomer")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("customers.change_importedcustomer")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.action(
        description=_("Reviewed: the retention rules apply to them from now on"),
        permissions=["change"],
    )
    def reviewed(self, request, queryset):
        count = services.import_review_done(
            imported_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        self.message_user(request, _("%(count)s reviewed.") % {"count": count})
