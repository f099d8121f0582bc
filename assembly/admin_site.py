"""The staff admin: password, then a TOTP code (enrolment with a QR code the first time), then
the current confidentiality agreement, before any page that can show customer data."""

import base64
import functools
import io
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from customers.audit.admin_base import LoggedAutocompleteJsonView
from customers.audit.files import private_file
from customers.core.company import company_name
from customers.core.roles import Role
from customers.staff.services import agreement_accept, agreement_accepted, agreement_current
from dpo.dashboard import dashboard_context
from privacysite.http import client_ip


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class PrivacyAdminSite(admin.AdminSite):
    index_title = _("Customer data administration")

    # The company's name, not the project's, in the header and the browser tab.
    @property
    def site_header(self):
        return _("%(company)s: staff") % {"company": company_name()}

    @property
    def site_title(self):
        return _("%(company)s staff") % {"company": company_name()}

    # Pages reachable after the password alone (to finish signing in, or to leave).
    OPEN_VIEWS = {"otp", "agreement", "logout", "login", "jsi18n"}

    def has_permission(self, request):
        user = request.user
        return super().has_permission(request) and user.is_verified()

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def gate(request, *args, **kwargs):
            user = request.user
            if user.is_authenticated and user.is_active and user.is_staff:
                is_open = getattr(request.resolver_match, "url_name", None) in self.OPEN_VIEWS
                if not user.is_verified():
                    # Signing out before the second factor: the view itself, as Django's gate
                    # would send an unverified user to the index instead.
                    if getattr(request.resolver_match, "url_name", None) == "logout":
                        return view(request, *args, **kwargs)
                    return self._redirect(request, "admin:otp")
                if not agreement_accepted(user, request.session) and not is_open:
                    return self._redirect(request, "admin:agreement")
            return inner(request, *args, **kwargs)

        gate.admin_site = self
        return gate

    @staticmethod
    def _redirect(request, name):
        query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
        return redirect(f"{reverse(name)}?{query}")

    def autocomplete_view(self, request):
        # Scoped by the target admin's queryset, masked and logged (customers.audit).
        return LoggedAutocompleteJsonView.as_view(admin_site=self)(request)

    def index(self, request, extra_context=None):
        """The data-protection officer's home is their dashboard (dpo/), above the app list."""
        response = super().index(request, extra_context)
        user = request.user
        if user.is_superuser or user.groups.filter(name=Role.DPO.value).exists():
            response.context_data.update(dashboard_context(actor=user))
            response.template_name = "admin/dpo/home.html"
        return response

    def get_urls(self):

        return [
            path("otp/", never_cache(self.otp_view), name="otp"),
            path("agreement/", never_cache(self.agreement_view), name="agreement"),
            # Uploaded files: decrypted for staff who may see the row naming them, and logged.
            path(
                "files/<path:name>",
                self.admin_view(functools.partial(private_file, site=self)),
                name="private_file",
            ),
            *super().get_urls(),
        ]

    def step_context(self, request, title):
        """A sign-in step's page: the step alone, no list of models, and a way to sign out."""
        return {
            **self.each_context(request),
            "title": title,
            "available_apps": [],
            "is_nav_sidebar_enabled": False,
            "signing_in": True,
        }

    def _next(self, request):
        target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
        if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
            return target
        return reverse("admin:index")

    def otp_view(self, request):
        """Second factor. The first time, the device is created and shown as a QR code."""
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect(f"{reverse('admin:login')}?{REDIRECT_FIELD_NAME}={request.path}")
        if user.is_verified():
            return redirect(self._next(request))
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        enrolling = device is None
        if enrolling:
            device, _created = TOTPDevice.objects.get_or_create(
                user=user, confirmed=False, defaults={"name": "authenticator"}
            )
        form = TokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if device.verify_token(form.cleaned_data["token"].strip()):
                if enrolling:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                otp_login(request, device)
                return redirect(self._next(request))
            form.add_error(
                "token", _("This code is not valid. Check your device's clock and try again.")
            )
        context = {
            **self.step_context(
                request, _("Set up two-step sign-in") if enrolling else _("Two-step sign-in")
            ),
            "form": form,
            "enrolling": enrolling,
            "next": self._next(request),
        }
        if enrolling:
            svg = io.BytesIO()
            write_qrcode_image(device.config_url, svg)
            # An <img> of the SVG: drawn as an image (Chromium draws the inline svg:svg of
            # qrcode's SVG as nothing), allowed by the CSP's img-src data:.
            context["qr_src"] = "data:image/svg+xml;base64," + base64.b64encode(
                svg.getvalue()
            ).decode("ascii")
            context["secret"] = base64.b32encode(device.bin_key).decode().rstrip("=")
        return TemplateResponse(request, "admin/otp.html", context)

    def agreement_view(self, request):
        user = request.user
        if not (user.is_authenticated and user.is_staff and user.is_verified()):
            return redirect(reverse("admin:otp"))
        agreement = agreement_current()
        if request.method == "POST" and request.POST.get("accept") == "yes":
            agreement_accept(user=user, agreement=agreement, ip_address=client_ip(request))
            return redirect(self._next(request))
        return TemplateResponse(
            request,
            "admin/agreement.html",
            {
                **self.step_context(request, _("Confidentiality agreement")),
                "agreement": agreement,
                "next": self._next(request),
            },
        )
