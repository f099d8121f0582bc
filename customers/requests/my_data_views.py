"""/my-data/: a customer sees, downloads, corrects and deletes their data, objects and
complains, through a signed link and without an account."""

import logging

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods

from consents.tokens import preferences_token
from customers.audit.services import access_log
from customers.core.personal_data import CUSTOMER_FIELDS
from customers.core.selectors import customer_by_email
from customers.messaging.services import absolute_url, message_queue
from customers.models import AccessLogEntry, Customer, DataRequest
from customers.requests import my_data
from customers.requests.data_copy import customer_copy
from customers.requests.my_data_forms import (
    ComplaintForm,
    CorrectionForm,
    FreeTextForm,
    MyDataEmailForm,
)
from customers.requests.services import request_open
from privacysite.http import client_ip, form_guard, too_many_requests

logger = logging.getLogger(__name__)


@require_http_methods(["GET", "POST"])
def start(request):
    """Ask for a link. The answer is the same whether or not the email is a customer's."""
    form = MyDataEmailForm(request.POST or None)
    if request.method == "POST":
        limited, _ = form_guard(
            request, group="my-data", rate=settings.MY_DATA_RATE_LIMIT, claim=None, claim_timeout=0
        )
        if limited:
            return too_many_requests(request)
        if form.is_valid():
            customer = customer_by_email(form.cleaned_data["email"])
            if customer and not customer.is_erased and not customer.email_suspended:
                path = reverse("customers:my_data_open", args=[my_data.link_token(customer)])
                message_queue(
                    customer=customer,
                    purpose="service",
                    template="my_data_link",
                    context={"link": absolute_url(path), "hours": my_data.max_age() // 3600},
                    language=get_language(),
                )
            return render(request, "customers/my_data/sent.html")
    return render(request, "customers/my_data/start.html", {"form": form})


def open_link(request, token):
    try:
        customer_id, nonce = my_data.spend_link(token)
    except my_data.LinkError as exc:
        status = 503 if exc.reason == "unavailable" else 400
        return render(request, "consents/link_invalid.html", {"reason": exc.reason}, status=status)
    response = redirect("customers:my_data_overview")
    my_data.set_session(response, customer_id, nonce, secure=request.is_secure())
    return response


def _customer(request):
    customer_id = my_data.session_customer_id(request)
    if customer_id is None:
        return None
    return Customer.objects.exclude(status=Customer.Status.ERASED).filter(pk=customer_id).first()


def customer_required(view):
    def wrapped(request, *args, **kwargs):
        customer = _customer(request)
        if customer is None:
            return render(request, "consents/link_invalid.html", {"reason": "expired"}, status=403)
        return view(request, customer, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


def _profile_rows(copy):
    return [(f.label, copy["profile"][f.name]) for f in CUSTOMER_FIELDS if copy["profile"][f.name]]


def _log_self(request, customer, what):
    access_log(
        actor="customer (self)",
        action=AccessLogEntry.Action.VIEW,
        customers=[customer],
        fields=[what],
        ip_address=client_ip(request),
    )


@customer_required
def overview(request, customer):
    copy = customer_copy(customer)
    _log_self(request, customer, "overview")
    return render(
        request,
        "customers/my_data/overview.html",
        {
            "customer": customer,
            "copy": copy,
            "profile_rows": _profile_rows(copy),
            "requests": customer.requests.order_by("-received_at"),
            "preferences_url": reverse("consents:preferences", args=[preferences_token(customer)]),
        },
    )


@customer_required
def download_json(request, customer):
    _log_self(request, customer, "export_json")
    response = JsonResponse(
        customer_copy(customer), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@customer_required
def download_html(request, customer):
    _log_self(request, customer, "export_html")
    copy = customer_copy(customer)
    response = render(
        request,
        "customers/my_data/document.html",
        {"customer": customer, "copy": copy, "profile_rows": _profile_rows(copy)},
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.html"'
    return response


def _opened(request, customer, kind, **fields):
    data_request = request_open(customer=customer, kind=kind, language=get_language(), **fields)
    return render(request, "customers/my_data/request_sent.html", {"data_request": data_request})


@customer_required
@require_http_methods(["GET", "POST"])
def correct(request, customer):
    initial = {name: getattr(customer, name) for name in CorrectionForm.base_fields}
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = form.changes(customer)
        if not changes:
            form.add_error(None, _no_change())
        else:
            return _opened(request, customer, DataRequest.Kind.CORRECTION, proposed_changes=changes)
    return render(
        request, "customers/my_data/form.html", {"form": form, "kind": DataRequest.Kind.CORRECTION}
    )


def _no_change():
    return gettext("You have not changed anything.")


def _simple_request(kind):
    @customer_required
    @require_http_methods(["GET", "POST"])
    def view(request, customer):
        form = FreeTextForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return _opened(request, customer, kind, details=form.cleaned_data["details"])
        return render(request, "customers/my_data/form.html", {"form": form, "kind": kind})

    view.__name__ = f"request_{kind}"
    return view


delete = _simple_request(DataRequest.Kind.DELETION)
object_ = _simple_request(DataRequest.Kind.OBJECTION)


@customer_required
@require_http_methods(["GET", "POST"])
def complain(request, customer):
    form = ComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return _opened(
            request,
            customer,
            DataRequest.Kind.COMPLAINT,
            details=form.cleaned_data["details"],
            complaint_category=form.cleaned_data["category"],
            attachment=form.cleaned_data["attachment"],
        )
    return render(
        request,
        "customers/my_data/form.html",
        {"form": form, "kind": DataRequest.Kind.COMPLAINT, "multipart": True},
    )


def sign_out(request):
    response = redirect("home")
    response.delete_cookie(my_data.COOKIE)
    return response
