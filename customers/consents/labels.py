"""What people read instead of a purpose's or a cookie category's code: admin columns and the
messages' filter by purpose (the field, template and status labels are in
``customers.core.labels``)."""

from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from customers.consents.models import CookieCategory, Purpose


def purpose_label(code: str) -> str:
    purpose = Purpose.objects.filter(code=code).first()
    return purpose.name() if purpose else capfirst(code.replace("_", " "))


def cookie_categories_label(codes) -> str:
    names = {c.code: c.name() for c in CookieCategory.objects.filter(code__in=list(codes or ()))}
    return ", ".join(names.get(code, code) for code in codes or ())


@admin.display(description=_("Purpose"))
def purpose_column(obj):
    code = getattr(obj, "purpose_id", None) if not isinstance(obj.purpose, str) else obj.purpose
    return purpose_label(code or "")


@admin.display(description=_("Accepted categories"))
def cookie_categories_column(obj):
    return cookie_categories_label(obj.categories)


class PurposeFilter(admin.SimpleListFilter):
    """Messages by purpose, each named in the staff member's language."""

    title = _("purpose")
    parameter_name = "purpose"

    def lookups(self, request, model_admin):
        return [(p.code, p.name()) for p in Purpose.objects.order_by("order", "id")]

    def queryset(self, request, queryset):
        return queryset.filter(purpose=self.value()) if self.value() else queryset
