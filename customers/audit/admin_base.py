"""The one way an admin screen shows personal data.

Every admin of a model that holds personal data or points to a customer is a
``PersonalDataAdmin``: it applies the role's row scope (technical support sees only customers
with an active service, in lists, pages, autocomplete and the choices of a relation), masks the
customer fields the role may not see, and writes an access-log entry naming exactly the fields
it showed unmasked, for lists, pages, history and autocomplete alike. Custom views use
``log_shown``. The system check ``customers.E002`` fails when such a model is registered with an
admin that is not one (``customers.audit.checks``).
"""

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.db.models.constants import LOOKUP_SEP

from customers.audit.services import access_log
from customers.core import masking
from customers.core.personal_data import fields_of
from customers.models import AccessLogEntry, Customer
from privacysite.http import client_ip


def log_shown(request, *, customers, fields, action=AccessLogEntry.Action.VIEW, reason=""):
    """The access-log entry of a custom view that showed these customers' ``fields``."""
    ids = [getattr(c, "pk", c) for c in customers if c is not None]
    if not ids or not fields:
        return None
    return access_log(
        actor=request.user,
        action=action,
        customers=ids,
        fields=sorted(set(fields)),
        reason=reason,
        ip_address=client_ip(request),
    )


class PersonalDataAdmin(admin.ModelAdmin):
    # How a row reaches its customer: "" for the customer itself, the foreign key's name, or
    # None for a record about no one customer in particular (an incident file).
    customer_path = "customer"

    # --- whose rows --------------------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.customer_path is None:
            return queryset
        return masking.scope(queryset, request.user, self.customer_path)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The customers one may attach a record to are the customers one may see.
        if db_field.related_model is Customer:
            kwargs["queryset"] = masking.scope(Customer.objects.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # A record never moves to another customer: that would widen a restricted scope.
        if obj is not None and self.customer_path and self.customer_path not in fields:
            fields.append(self.customer_path)
        if obj is not None and self.customer_path:
            fields.append(self.customer_shown(request))
        return fields

    def get_fields(self, request, obj=None):
        """On a record's page its customer is named as the user may see it (Django's own
        read-only display prints the customer's text in clear)."""
        fields = list(super().get_fields(request, obj))
        if obj is not None and self.customer_path and self.customer_path in fields:
            shown = self.customer_shown(request)
            fields = [shown if f == self.customer_path else f for f in fields if f is not shown]
        return fields

    def customer_shown(self, request):
        """The read-only customer of a record's page, as ``request.user`` may see it (one
        function per request and admin, so that the form finds it among its read-only
        fields)."""
        cache = request.__dict__.setdefault("privacysite_customer_shown", {})
        if id(self) not in cache:
            user, path = request.user, self.customer_path

            @admin.display(description=self.model._meta.get_field(path).verbose_name)
            def customer(obj):
                return masking.display_name(user, getattr(obj, path, None))

            cache[id(self)] = customer
        return cache[id(self)]

    # --- filters in the query string ---------------------------------------------------------

    def customer_field_of(self, lookup: str) -> str | None:
        """The customer field a query-string lookup filters on (``contact_person__startswith``
        on the customer screen, ``customer__full_name`` on a related one), if any."""
        parts = lookup.split(LOOKUP_SEP)
        if self.customer_path is None:
            return None
        if self.customer_path:
            if parts[0] != self.customer_path or len(parts) < 2:
                return None
            parts = parts[1:]
        return parts[0] if parts[0] in masking.ALL else None

    def lookup_allowed(self, lookup, value, request):
        # A filter on a field one sees masked would tell its value ("?contact_person=…" finds
        # who stands behind a business): only fields seen in clear for every customer.
        field = self.customer_field_of(lookup)
        if field is not None and masking.visible_for(request.user, field) != {}:
            return False
        return super().lookup_allowed(lookup, value, request)

    # --- what is shown, and the log of it ----------------------------------------------------

    def customer_of(self, obj):
        if self.customer_path is None:
            return None
        return obj if not self.customer_path else getattr(obj, self.customer_path, None)

    def customers_of(self, obj):
        customer = self.customer_of(obj)
        return [customer.pk] if customer is not None else []

    def name_shown(self, request, customer) -> set[str]:
        """The customer's name field, where the screen names the customer and may see it."""
        if customer is None or customer.status == Customer.Status.ERASED:
            return set()
        field = masking.name_field(customer)
        return {field} & masking.visible_fields(request.user, customer)

    def own_fields(self, names=None) -> set[str]:
        """This model's personal fields, named ``model.field`` (``message.body``) so that they
        are not mistaken for the customer's fields of the same name."""
        prefix = self.model._meta.model_name
        return {
            f"{prefix}.{f.name}"
            for f in fields_of(self.model._meta.label)
            if names is None or f.name in names
        }

    def shown_fields(self, request, obj) -> set[str]:
        """The personal fields a change page shows in clear: the model's own, and the name of
        the customer it belongs to."""
        return self.own_fields() | self.name_shown(request, self.customer_of(obj))

    def get_list_display(self, request):
        """The customer column names the customer as this user may see it."""
        columns = list(super().get_list_display(request))
        if self.customer_path and self.customer_path in columns:
            user = request.user

            @admin.display(description=self.model._meta.get_field(self.customer_path).verbose_name)
            def customer(obj):
                return masking.display_name(user, getattr(obj, self.customer_path))

            columns[columns.index(self.customer_path)] = customer
        return columns

    def listed_fields(self, request, rows) -> set[str]:
        """The personal fields a list page shows in clear (its columns)."""
        columns = set(super().get_list_display(request))
        own = self.own_fields(columns)
        names = set()
        if self.customer_path and self.customer_path in columns:
            for row in rows:
                names |= self.name_shown(request, self.customer_of(row))
        return own | names

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and changelist.result_list:
            rows = list(changelist.result_list)
            customers = {pk for row in rows for pk in self.customers_of(row)}
            # What was asked, by name (never the values: a typed name stays out of the log).
            filters = sorted(changelist.get_filters_params())
            asked = [f"filters: {', '.join(filters)}"] if filters else []
            asked += ["search"] if changelist.query else []
            filtered_on = {self.customer_field_of(lookup) for lookup in filters} - {None}
            log_shown(
                request,
                customers=customers,
                fields=self.listed_fields(request, rows) | filtered_on,
                reason="; ".join(asked),
                action=AccessLogEntry.Action.SEARCH
                if changelist.query
                else AccessLogEntry.Action.LIST,
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original")
        if obj is not None:
            log_shown(
                request,
                customers=self.customers_of(obj),
                fields=self.shown_fields(request, obj),
                action=AccessLogEntry.Action.VIEW
                if request.method == "GET"
                else AccessLogEntry.Action.CHANGE,
            )
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        obj = getattr(response, "context_data", {}).get("object")
        if obj is not None:
            log_shown(
                request,
                customers=self.customers_of(obj),
                fields=self.name_shown(request, self.customer_of(obj)),
            )
        return response

    # --- Django's own change history keeps no name ------------------------------------------
    # LogEntry.object_repr is plain text that outlives an erasure: it records "#id" only.

    def _anonymise(self, entries):
        for entry in entries if isinstance(entries, list) else [entries]:
            if entry is not None:
                LogEntry.objects.filter(pk=entry.pk).update(
                    object_repr=f"{self.model._meta.verbose_name} #{entry.object_id}"
                )
        return entries

    def log_addition(self, request, obj, message):
        return self._anonymise(super().log_addition(request, obj, message))

    def log_change(self, request, obj, message):
        return self._anonymise(super().log_change(request, obj, message))

    def log_deletions(self, request, queryset):
        return self._anonymise(super().log_deletions(request, queryset))


class LoggedAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete: the target admin's scope applies (its queryset), customers are
    named as the user may see them, and each answer is logged like a search."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Customer):
            result["text"] = masking.display_name(self.request.user, obj)
        return result

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = [obj for obj in context["object_list"] if isinstance(obj, Customer)]
        names = {
            field
            for obj in rows
            for field in {masking.name_field(obj)} & masking.visible_fields(self.request.user, obj)
            if obj.status != Customer.Status.ERASED
        }
        log_shown(self.request, customers=rows, fields=names, action=AccessLogEntry.Action.SEARCH)
        return context
