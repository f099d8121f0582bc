"""Admin building blocks shared by the apps."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    """Counts at most ``cap + 1`` rows: ``COUNT(*)`` over a million-row table costs more than
    the page itself, and nobody pages past the first ten thousand results; they search."""

    cap = 10_000

    @cached_property
    def count(self):
        # Unordered: which rows are counted does not matter, and a search's ranking would
        # otherwise be computed for every match a second time.
        return self.object_list.order_by()[: self.cap + 1].count()


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that are evidence: visible to those allowed, changed by nobody here (so they
    have no admin history to show: the page offers no "History" button)."""

    admin_history = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def admin_page(model_admin, request, template, title, **context):
    """A page of our own inside the admin (an action's form, a reveal, a proof): the admin's
    navigation and the model's ``opts`` around ``context``."""
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "opts": model_admin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            **context,
        },
    )


def action_page(modeladmin, request, queryset, *, action, form, title, intro, submit):
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
