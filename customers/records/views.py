"""Public collection pages: registration, service request, contact confirmation."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views import View
from django.views.generic import FormView, TemplateView

from consents.models import ConsentEvent
from consents.selectors import policy_current
from customers.records.forms import RegistrationForm, ServiceRequestForm, raw_submission
from customers.records.services import ConfirmationError, customer_confirm_contact
from customers.records.submissions import submission_accept
from privacysite.http import client_ip, form_guard, too_many_requests

logger = logging.getLogger(__name__)


class WebFormView(FormView):
    """A collection form: rate-limited per IP, a honeypot for bots, stored once per render.

    The rate limit and the double-submit claim are one Redis round trip (``form_guard``),
    made once the form is validated (so that a form sent back with a mistake can be sent
    again with the same key) and before anything is stored.
    """

    success_url_name = ""

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        valid = form.is_valid()
        key = form.cleaned_data.get("submission_key") if valid and not form.is_bot else ""
        limited, claimed = form_guard(
            request,
            group="web-forms",
            rate=settings.FORM_RATE_LIMIT,
            claim=f"form-submitted:{key}" if key else None,
            claim_timeout=24 * 3600,
        )
        if limited:
            logger.warning("form.rate_limited form=%s", self.form_class.form_name)
            return too_many_requests(request)
        if not valid:
            return self.form_invalid(form)
        if form.is_bot:
            logger.info("form.honeypot form=%s", form.form_name)
            return redirect(self.success_url_name)
        if claimed is False:
            # The same rendered form sent again (a double click): it was stored already.
            # (Unknown, with the cache down, means: store it, never drop it.)
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
            )
        except Exception:
            # Nothing was stored (the database failed): the customer is told to send the
            # same form again, which must then be accepted.
            if claimed:
                cache.delete(f"form-submitted:{key}")
            raise
        return redirect(self.success_url_name)


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
    """GET shows a button, POST confirms: mail scanners that open links confirm nothing."""

    template_name = "customers/confirm.html"

    def get(self, request, token):
        return render(request, self.template_name, {"token": token})

    def post(self, request, token):
        try:
            customer_confirm_contact(token=token)
        except ConfirmationError as exc:
            return render(
                request, "customers/confirm_failed.html", {"reason": str(exc)}, status=400
            )
        return render(request, "customers/confirmed.html")
