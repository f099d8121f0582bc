"""The restriction register: who restricted what, when and why, and who lifted it. Staff put
a restriction in force (the add form) and lift one with a reason (the action); both go
through ``customers.records.restriction``. Nothing here is deleted: it is evidence."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from customers.audit.admin_base import PersonalDataAdmin
from customers.models import Customer, ProcessingRestriction
from customers.records.restriction import customer_restrict, customer_restriction_lift
from privacysite.admin_utils import action_page


class LiftForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is lifted"),
        max_length=255,
        help_text=_("The customer's request, or the decision and its ground."),
    )


@admin.register(ProcessingRestriction)
class ProcessingRestrictionAdmin(PersonalDataAdmin):
    list_display = [
        "customer",
        "scope",
        "started_at",
        "started_by_label",
        "reason",
        "lifted_at",
        "lifted_by_label",
    ]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter), "purpose"]
    list_select_related = ["customer", "purpose"]
    raw_id_fields = ["customer", "request"]
    fields = ["customer", "purpose", "reason", "request"]
    actions = ["lift"]

    @admin.display(description=_("purpose restricted"))
    def scope(self, obj):
        return obj.purpose or _("all processing")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # a record of what happened: changed only by lifting it
            return [
                *self.fields,
                "started_at",
                "started_by_label",
                "lifted_at",
                "lifted_by_label",
                "lift_reason",
            ]
        return super().get_readonly_fields(request, obj)

    def get_fields(self, request, obj=None):
        if obj is not None:
            return self.get_readonly_fields(request, obj)
        return self.fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.related_model is Customer:
            # An erased customer has nothing left to restrict.
            field.queryset = field.queryset.exclude(status=Customer.Status.ERASED)
        return field

    def has_delete_permission(self, request, obj=None):
        return False  # evidence of when processing was restricted

    def save_model(self, request, obj, form, change):
        if change:
            return
        restriction = customer_restrict(
            customer=obj.customer,
            actor=request.user,
            reason=obj.reason,
            purpose=obj.purpose,
            request=obj.request,
        )
        obj.pk = restriction.pk  # a repeat finds the restriction already in force

    @admin.action(description=_("Lift the selected restrictions"), permissions=["change"])
    def lift(self, request, queryset):
        form = LiftForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            lifted = 0
            for restriction in queryset.filter(lifted_at__isnull=True).select_related(
                "customer", "purpose"
            ):
                lifted += bool(
                    customer_restriction_lift(
                        customer=restriction.customer,
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                        purpose=restriction.purpose,
                    )
                )
            self.message_user(
                request,
                _("%(count)s restrictions lifted.") % {"count": lifted},
                messages.SUCCESS,
            )
            return None
        return action_page(
            self,
            request,
            queryset,
            action="lift",
            form=form,
            title=_("Lift restrictions of processing"),
            intro=_(
                "From now on the customer's data is used again for what the restriction "
                "covered: campaigns, sharing, references and other systems."
            ),
            submit=_("Lift"),
        )
