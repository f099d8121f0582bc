"""The customer screen's own pages and actions (``CustomerAdmin`` in ``customers.desk.admin``
takes them from this mixin): reveal a masked value, export and erase a selection with a
reason, suspend or restore the email channel, print the consent proof. Each page logs what it
shows (``log_shown``), and each change goes through the service of its domain."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from customers.audit.admin_base import log_shown
from customers.audit.export import (
    EXPORT_ROW_CAP,
    EmailChannelForm,
    EraseForm,
    ExportForm,
    RevealForm,
    export_customers_csv,
)
from customers.audit.services import personal_data_reveal
from customers.consents.selectors import consent_proof
from customers.core import masking
from customers.models import Customer, ErasureCertificate
from customers.records.services import customer_suspend_email
from customers.requests.services import customer_lift_email_suspension
from customers.retention.erasure import customers_erase
from privacysite.admin_utils import admin_page
from privacysite.http import client_ip


class CustomerPagesMixin:
    """For an admin of ``Customer`` built on ``PersonalDataAdmin``."""

    # A customer has no public page: "view on site" would only reload this one.
    view_on_site = False

    def history_view(self, request, object_id, extra_context=None):
        """A customer's history is the change history on their page (web forms, requests and
        staff alike), not the admin's own log of its saves: "History" goes there."""
        if self.get_object(request, object_id) is None:
            raise PermissionDenied
        url = reverse("admin:customers_customer_change", args=[object_id])
        return redirect(f"{url}#changes-group")

    def reveal_view(self, request, object_id, field):
        """One masked value, shown after a reason is given; every reveal is logged."""
        customer = self.get_object(request, object_id)
        if customer is None or field not in masking.revealable_fields(request.user):
            raise PermissionDenied
        form = RevealForm(request.POST or None)
        value = None
        if request.method == "POST" and form.is_valid():
            value = personal_data_reveal(
                customer=customer,
                field=field,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                ip_address=client_ip(request),
            )
        log_shown(request, customers=[customer], fields=self.name_shown(request, customer))
        return admin_page(
            self,
            request,
            "admin/customers/customer/reveal.html",
            _("Reveal a masked value"),
            customer=customer,
            customer_name=masking.display_name(request.user, customer),
            field_label=Customer._meta.get_field(field).verbose_name,
            form=form,
            value=value,
        )

    def has_record_sharing_permission(self, request):
        return request.user.has_perm("customers.add_disclosure")

    def has_add_to_incident_permission(self, request):
        return request.user.has_perm("customers.change_incident")

    def has_erase_permission(self, request):
        return request.user.has_perm("customers.erase_customer")

    @admin.action(
        description=_("Erase the selected customers (with a reason)"), permissions=["erase"]
    )
    def erase_with_reason(self, request, queryset):
        form = EraseForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            erased, blocked = customers_erase(
                customer_ids=list(queryset.values_list("pk", flat=True)),
                actor=request.user,
                trigger=ErasureCertificate.Trigger.STAFF,
                reason=form.cleaned_data["reason"],
            )
            self.message_user(request, _("%(count)s customers erased.") % {"count": len(erased)})
            for customer_id, reasons in blocked.items():
                self.message_user(
                    request,
                    _("Customer #%(id)s was not erased: %(why)s.")
                    % {"id": customer_id, "why": ", ".join(reasons)},
                    messages.WARNING,
                )
            return None
        chosen = list(queryset)
        log_shown(
            request,
            customers=chosen,
            fields=set().union(*(self.name_shown(request, c) for c in chosen)),
        )
        return admin_page(
            self,
            request,
            "admin/customers/customer/erase.html",
            _("Erase customers"),
            form=form,
            queryset=queryset,
            names=[masking.display_name(request.user, c) for c in chosen],
        )

    def has_export_permission(self, request):
        return request.user.has_perm("customers.export_customer")

    @admin.action(description=_("Export the selected customers to CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        form = ExportForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            count = queryset.count()
            if count > EXPORT_ROW_CAP:
                self.message_user(
                    request,
                    _("At most %(cap)s customers can be exported at once; %(count)s were selected.")
                    % {"cap": EXPORT_ROW_CAP, "count": count},
                    messages.ERROR,
                )
                return None
            return export_customers_csv(
                request=request, queryset=queryset, reason=form.cleaned_data["reason"]
            )
        return admin_page(
            self,
            request,
            "admin/customers/customer/export.html",
            _("Export customers"),
            form=form,
            queryset=queryset,
            count=queryset.count(),
            cap=EXPORT_ROW_CAP,
        )

    def email_channel_view(self, request, object_id):
        """Suspend the email channel (suspected fraud) or lift it after re-verification."""
        customer = self.get_object(request, object_id)
        if customer is None or not self.has_change_permission(request, customer):
            raise PermissionDenied
        form = EmailChannelForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["reason"]
            if customer.email_suspended:
                customer_lift_email_suspension(
                    customer=customer, actor=request.user, verification=text
                )
                self.message_user(request, _("The email channel works again."))
            else:
                customer_suspend_email(customer=customer, actor=request.user, reason=text)
                self.message_user(request, _("The email channel is suspended."))
            return redirect("admin:customers_customer_change", customer.pk)
        log_shown(request, customers=[customer], fields=self.name_shown(request, customer))
        return admin_page(
            self,
            request,
            "admin/customers/customer/email_channel.html",
            _("Email channel"),
            customer=customer,
            customer_name=masking.display_name(request.user, customer),
            form=form,
        )

    def get_urls(self):
        # Named after this admin's own model: the narrowed screens built on this one (the
        # unconfirmed registrations) get names of their own, instead of taking over these
        # (the last registered wins a name) and answering 404 for every customer outside
        # their narrower list.
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<int:object_id>/email-channel/",
                self.admin_site.admin_view(self.email_channel_view),
                name=f"{prefix}_email_channel",
            ),
            path(
                "<int:object_id>/reveal/<str:field>/",
                self.admin_site.admin_view(self.reveal_view),
                name=f"{prefix}_reveal",
            ),
            path(
                "<int:object_id>/consent-proof/",
                self.admin_site.admin_view(self.consent_proof_view),
                name=f"{prefix}_consent_proof",
            ),
            *super().get_urls(),
        ]

    def consent_proof_view(self, request, object_id):
        """A printable proof of who agreed to what text, when and how (docs/legal.md §2.6)."""
        customer = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not request.user.has_perm("consents.view_consentevent"):
            raise PermissionDenied
        log_shown(
            request,
            customers=[customer],
            fields={"consent_events"} | self.name_shown(request, customer),
        )
        return admin_page(
            self,
            request,
            "admin/customers/customer/consent_proof.html",
            _("Consent proof"),
            customer=customer,
            customer_name=masking.display_name(request.user, customer),
            events=consent_proof(customer),
        )
