"""/my-data/: a customer sees, downloads, corrects and deletes their data, objects and
complains, through a signed link and without an account."""

import logging
import secrets

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from customers.audit.services import access_log
from customers.consents.tokens import preferences_token
from customers.core.crypto import blind_index
from customers.core.personal_data import CUSTOMER_FIELDS, normalise_email
from customers.models import AccessLogEntry, Customer, DataRequest, ErasureCertificate
from customers.requests import confirmation, my_data
from customers.requests.data_copy import customer_copy
from customers.requests.my_data_forms import (
    ComplaintForm,
    CorrectionForm,
    FreeTextForm,
    MyDataEmailForm,
    ObjectionForm,
)
from customers.requests.services import RequestError, request_move, request_open
from customers.retention.farewell import certificate_reference, kept_for_customer
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
            # Counted by the address's blind index (never the address), whoever asks.
            index = blind_index(normalise_email(form.cleaned_data["email"]))
            if is_ratelimited(
                request,
                group="my-data-recipient",
                key=lambda _group, _request: index,
                rate=settings.MY_DATA_RECIPIENT_RATE_LIMIT,
                method="POST",
                increment=True,
            ):
                return too_many_requests(request)
            # The same work for any address: the worker looks the customer up.
            my_data.link_request(email_index=index, language=get_language())
            return redirect("customers:my_data_sent")
    return render(request, "customers/my_data/start.html", {"form": form})


def sent(request):
    return render(request, "customers/my_data/sent.html")


@require_http_methods(["GET", "POST"])
def open_link(request, token):
    """GET shows what the button does and spends nothing (a mail scanner, a preview, a URL
    replayed from a log); the button's POST spends the link and opens the session."""
    try:
        if request.method == "GET":
            my_data.link_check(token)
            return render(request, "customers/my_data/open.html")
        _session, key = my_data.session_open(token)
    except my_data.LinkError as exc:
        return render(request, "consents/link_invalid.html", {"reason": exc.reason}, status=400)
    response = redirect("customers:my_data_overview")
    my_data.set_session(response, key, secure=request.is_secure())
    return response


def _customer(request):
    session = my_data.current_session(request)
    if session is None:
        return None
    request.my_data_session = session
    return (
        Customer.objects.exclude(status=Customer.Status.ERASED)
        .filter(pk=session.customer_id)
        .first()
    )


def _erased_page(request):
    """After an erasure, the page the customer still has open shows the last message, not
    "link expired" (issue 28 §7): the certificate's reference, what is kept, whom to ask."""
    session = getattr(request, "my_data_session", None)
    certificate = (
        session and ErasureCertificate.objects.filter(customer_id=session.customer_id).first()
    )
    if certificate is None:
        return None
    context = {
        "reference": certificate_reference(certificate.customer_id, certificate.erased_at),
        "kept": kept_for_customer(certificate.kept, get_language()),
        "dpo": settings.DPO,
        "trigger": certificate.trigger,
    }
    return render(request, "customers/my_data/erased.html", context)


def customer_required(view):
    def wrapped(request, *args, **kwargs):
        customer = _customer(request)
        if customer is None:
            erased = _erased_page(request)
            if erased is not None:
                return erased
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
            # Bound to this session: it stops working on sign-out, as the page does.
            "preferences_url": reverse(
                "consents:preferences",
                args=[preferences_token(customer, session=request.my_data_session)],
            ),
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
    data_request = request_open(
        customer=customer,
        kind=kind,
        language=get_language(),
        submission_key=request.POST.get("submission_key", ""),
        **fields,
    )
    return redirect("customers:my_data_request", reference=data_request.reference)


def _once(request) -> dict:
    """One key per rendered form (kept when a form comes back with errors): the same form
    sent twice opens one request."""
    return {"submission_key": request.POST.get("submission_key") or secrets.token_urlsafe(16)}


@customer_required
def request_sent(request, customer, reference):
    data_request = get_object_or_404(customer.requests, reference=reference)
    return render(request, "customers/my_data/request_sent.html", {"data_request": data_request})


@customer_required
@require_http_methods(["GET", "POST"])
def correct(request, customer):
    initial = {name: getattr(customer, name) for name in CorrectionForm.base_fields}
    form = CorrectionForm(
        request.POST or None,
        initial=initial,
        business=customer.kind == Customer.Kind.BUSINESS or bool(customer.business_name),
    )
    if request.method == "POST" and form.is_valid():
        changes = form.changes(customer)
        if not changes:
            form.add_error(None, _no_change())
        else:
            return _opened(request, customer, DataRequest.Kind.CORRECTION, proposed_changes=changes)
    return render(
        request,
        "customers/my_data/form.html",
        {"form": form, "kind": DataRequest.Kind.CORRECTION, **_once(request)},
    )


def _no_change():
    return gettext("You have not changed anything.")


def _simple_request(kind, form_class=FreeTextForm):
    @customer_required
    @require_http_methods(["GET", "POST"])
    def view(request, customer):
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                return _opened(request, customer, kind, details=form.cleaned_data["details"])
            except RequestError as exc:
                form.add_error("details", str(exc))
        return render(
            request, "customers/my_data/form.html", {"form": form, "kind": kind, **_once(request)}
        )

    view.__name__ = f"request_{kind}"
    return view


delete = _simple_request(DataRequest.Kind.DELETION)
object_ = _simple_request(DataRequest.Kind.OBJECTION, ObjectionForm)


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
        {"form": form, "kind": DataRequest.Kind.COMPLAINT, "multipart": True, **_once(request)},
    )


@require_http_methods(["GET", "POST"])
def confirm_deletion(request, token):
    """The customer confirms that deleting their data ends their service (issue 28 §2)."""
    data_request = confirmation.request_for_token(token)
    if data_request is None:
        return render(request, "consents/link_invalid.html", {"reason": "invalid"}, status=400)
    waiting = data_request.status == DataRequest.Status.CONFIRMING
    if request.method == "POST" and waiting:
        request_move(request=data_request, actor="customer", action="confirmed")
        return redirect(request.path + "?done=1")
    if not waiting and request.GET.get("done") != "1":
        return render(request, "consents/link_invalid.html", {"reason": "used"}, status=400)
    return render(
        request,
        "customers/my_data/confirm_deletion.html",
        {
            "data_request": data_request,
            "waiting": waiting,
            "services": confirmation.active_services(data_request.customer),
        },
    )


@require_http_methods(["POST"])  # a link could sign anyone out from another site's page
def sign_out(request):
    my_data.session_end(request)
    messages.info(
        request,
        gettext("You have signed out of your data page. To see it again, ask for a new link."),
    )
    response = redirect("customers:my_data")
    response.delete_cookie(my_data.COOKIE)
    return response
