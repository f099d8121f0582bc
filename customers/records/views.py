"""Public collection pages: registration, service request, contact confirmation."""

import logging

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views import View
from django.views.generic import FormView, TemplateView

from customers.consents.gpc import gpc_signal
from customers.consents.models import ConsentEvent
from customers.consents.selectors import policy_current
from customers.records.form_limits import form_post_refused
from customers.records.forms import RegistrationForm, ServiceRequestForm, raw_submission
from customers.records.pending import (
    PendingChangeError,
    pending_change_confirm,
    pending_change_for_token,
    pending_change_rows,
)
from customers.records.services import (
    ConfirmationError,
    customer_confirm_contact,
    customer_confirmed_at,
)
from customers.records.submissions import (
    SubmissionLimited,
    SubmissionRepeated,
    submission_accept,
)
from privacysite.http import client_ip

logger = logging.getLogger(__name__)


class WebFormView(FormView):
    """A collection form: rate-limited per address, a honeypot for bots, stored once per
    render.

    The limit of accepted forms and the double-submit guard are kept by the submission's
    INSERT itself (``submission_accept``): no round trip of their own, and they hold when
    Redis is down or restarted. A form with a mistake is stored nowhere, so it never uses
    up the limit nor its key (it is accepted once corrected); only the higher ceiling on
    every post counts it (``form_post_refused``, against a script hammering us).
    """

    success_url_name = ""

    def dispatch(self, request, *args, **kwargs):
        # No published policy (a fresh install before `manage.py setup_site`): nothing may be
        # collected, since consent and notice name the policy version they were given under.
        if policy_current() is None:
            return render(request, "customers/not_open.html", status=503)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            if form_post_refused(request):
                return self.refused(form)
            return self.form_invalid(form)
        if form.is_bot:
            logger.info("form.honeypot form=%s", form.form_name)
            return redirect(self.success_url_name)
        try:
            submission_accept(
                form=form.form_name,
                data=form.customer_data(),
                raw=raw_submission(form),
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                language=get_language(),
                policy_version=policy_current(),
                consented=form.consented_purposes(),
                consent_channel=ConsentEvent.Channel.WEB_FORM,
                gpc=gpc_signal(request),
                key=form.cleaned_data.get("submission_key") or None,
                rate=settings.FORM_RATE_LIMIT,
            )
        except SubmissionRepeated:
            pass  # the same rendered form again (a double click): stored the first time
        except SubmissionLimited:
            return self.refused(form)
        return redirect(self.success_url_name)

    def refused(self, form):
        """The form again, as typed, with the reason (429): nothing the person typed is lost."""
        logger.warning("form.rate_limited form=%s", self.form_class.form_name)
        context = self.get_context_data(form=form, rate_limited=True)
        response = self.render_to_response(context, status=429)
        response["Retry-After"] = "600"
        return response


class RegistrationView(WebFormView):
    form_class = RegistrationForm
    template_name = "customers/register.html"
    success_url_name = "customers:register_done"


class ServiceRequestView(WebFormView):
    form_class = ServiceRequestForm
    template_name = "customers/service_request.html"
    success_url_name = "customers:service_request_done"


class SubmittedView(TemplateView):
    template_name = "customers/submitted.html"


class ConfirmContactView(View):
    """GET shows a button, POST confirms: mail scanners that open links confirm nothing, and a
    link used before (or replayed from a log) says when it was used."""

    template_name = "customers/confirm.html"

    def get(self, request, token):
        try:
            confirmed_at = customer_confirmed_at(token=token)
        except ConfirmationError as exc:
            return _confirm_failed(request, exc)
        return render(request, self.template_name, {"confirmed_at": confirmed_at})

    def post(self, request, token):
        try:
            confirmed_at = customer_confirmed_at(token=token)
            if confirmed_at is None:
                customer_confirm_contact(token=token)
                return redirect("customers:confirmed")
        except ConfirmationError as exc:
            return _confirm_failed(request, exc)
        return render(request, self.template_name, {"confirmed_at": confirmed_at})


def _confirm_failed(request, exc):
    return render(request, "customers/confirm_failed.html", {"reason": str(exc)}, status=400)


class ConfirmedView(TemplateView):
    template_name = "customers/confirmed.html"


class ConfirmChangeView(View):
    """The link sent to the address on file: GET shows old → new and a button (mail scanners
    that open links confirm nothing), POST applies the change, then redirects."""

    template_name = "customers/confirm_change.html"

    def get(self, request, token):
        try:
            change = pending_change_for_token(token)
        except PendingChangeError as exc:
            return render(
                request, "customers/confirm_failed.html", {"reason": str(exc)}, status=400
            )
        return render(
            request,
            self.template_name,
            {"rows": pending_change_rows(change), "done": change.status == change.Status.CONFIRMED},
        )

    def post(self, request, token):
        try:
            pending_change_confirm(token=token)
        except PendingChangeError as exc:
            return render(
                request, "customers/confirm_failed.html", {"reason": str(exc)}, status=400
            )
        return redirect("customers:confirm_change", token=token)
