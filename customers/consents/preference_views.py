"""Pages a customer reaches from a link in a message: preferences and one-click unsubscribe."""

from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from customers.consents.gpc import gpc_signal
from customers.consents.models import ConsentEvent, Purpose
from customers.consents.selectors import (
    BUSINESS_ONLY_PURPOSES,
    consent_states_for,
    purposes_optional,
)
from customers.consents.services.ledger import consent_record
from customers.consents.tokens import InvalidLink, preferences_customer_id, unsubscribe_target
from customers.models import Customer
from privacysite.http import client_ip


def _invalid(request, reason):
    return render(request, "consents/link_invalid.html", {"reason": reason}, status=400)


def _customer(customer_id):
    return Customer.objects.exclude(status=Customer.Status.ERASED).filter(pk=customer_id).first()


def _evidence(request):
    return {
        "ip_address": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", ""),
        "language": get_language(),
        "gpc": gpc_signal(request),
    }


@require_http_methods(["GET", "POST"])
def preferences(request, token):
    try:
        customer = _customer(preferences_customer_id(token))
    except InvalidLink as exc:
        return _invalid(request, exc.reason)
    if customer is None:
        return _invalid(request, "invalid")
    business = customer.kind == Customer.Kind.BUSINESS or bool(customer.business_name)
    purposes = [p for p in purposes_optional() if business or p.code not in BUSINESS_ONLY_PURPOSES]
    saved = False
    # Reached from the customer's data page (its link says so): a way back to it.
    from_my_data = request.GET.get("from") == "my-data"
    if request.method == "POST":
        for purpose in purposes:
            consent_record(
                customer=customer,
                purpose=purpose,
                granted=request.POST.get(f"purpose_{purpose.code}") == "on",
                channel=ConsentEvent.Channel.PREFERENCES,
                **_evidence(request),
            )
        # Redirect after the POST: a reload shows the page, it does not send the form again.
        return redirect(f"{request.path}?saved=1{'&from=my-data' if from_my_data else ''}")
    saved = request.GET.get("saved") == "1"
    states = consent_states_for(customer)
    rows = []
    for purpose in purposes:
        state = states.get(purpose.code)
        granted = bool(state and state.granted)
        reconfirm = granted and state.wording_hash != purpose.wording_hash
        rows.append(
            {
                "purpose": purpose,
                "granted": granted and not reconfirm,
                "reconfirm": reconfirm,
                "since": state.since if state else None,
            }
        )
    return render(
        request,
        "consents/preferences.html",
        {
            "customer": customer,
            "rows": rows,
            "saved": saved,
            "from_my_data": from_my_data,
            "contract_purposes": Purpose.objects.filter(active=True, optional=False),
        },
    )


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no CSRF token;
# the signed, single-purpose token in the URL is the authorisation.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        customer_id, code = unsubscribe_target(token)
    except InvalidLink as exc:
        return _invalid(request, exc.reason)
    customer = _customer(customer_id)
    purpose = Purpose.objects.filter(code=code).first()
    if customer is None or purpose is None:
        return _invalid(request, "invalid")
    done = False
    if request.method == "POST":
        consent_record(
            customer=customer,
            purpose=purpose,
            granted=False,
            channel=ConsentEvent.Channel.UNSUBSCRIBE,
            **_evidence(request),
        )
        if request.POST.get("List-Unsubscribe") != "One-Click":
            # A person pressed the button: redirect, so that a reload sends nothing again.
            # (A mail client's one-click POST, RFC 8058, gets its answer here.)
            return redirect(f"{request.path}?done=1")
        done = True
    done = done or request.GET.get("done") == "1"
    states = consent_states_for(customer)
    active = bool(states.get(code) and states[code].granted)
    return render(
        request,
        "consents/unsubscribe.html",
        {"purpose": purpose, "done": done, "active": active, "token": token},
    )
