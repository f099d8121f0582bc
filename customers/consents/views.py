"""Public consent pages: the privacy policy and its versions, cookie settings."""

import difflib
import time

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from customers.consents.cookies import CONSENT_COOKIE, CONSENT_MAX_AGE, CookieChoice, catalogue
from customers.consents.gpc import GPC_REFUSED_CATEGORIES, gpc_signal
from customers.consents.models import CookieCategory, PolicyVersion
from customers.consents.policy_facts import policy_facts
from customers.consents.policy_text import policy_page
from customers.consents.selectors import policy_current, policy_upcoming
from customers.consents.services.cookies import cookie_consent_record, declined_cookie_names
from privacysite.http import client_ip, truncated_ip


def _published():
    return PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED).order_by("-number")


def _section_changes(version: PolicyVersion):
    """Per section, the words added and removed since the previous published version."""
    previous = _published().filter(number__lt=version.number).first()
    if previous is None:
        return None, []
    english = get_language() == "en"
    before = {s.key: (s.body_en if english else s.body_vi) for s in previous.sections.all()}
    changes = []
    for section in version.sections.all():
        new = section.body_en if english else section.body_vi
        old = before.get(section.key, "")
        if old == new:
            continue
        words = difflib.SequenceMatcher(a=old.split(), b=new.split())
        parts = []
        for tag, a0, a1, b0, b1 in words.get_opcodes():
            if tag == "equal":
                parts.append(("same", " ".join(words.a[a0:a1])))
            if tag in ("replace", "delete"):
                parts.append(("removed", " ".join(words.a[a0:a1])))
            if tag in ("replace", "insert"):
                parts.append(("added", " ".join(words.b[b0:b1])))
        changes.append((section, parts))
    return previous, changes


def _render_policy(request, version):
    previous, changes = _section_changes(version)
    is_current = version == policy_current()
    upcoming = policy_upcoming()
    # The current version states what the registers say now (a change the published copy
    # does not cover alerts the DPO: policy_warnings); a past one, what it was published with.
    facts = policy_facts() if is_current else version.facts
    return render(
        request,
        "consents/privacy.html",
        {
            "version": version,
            "sections": policy_page(facts, version.sections.all()),
            "versions": _published(),
            "is_current": is_current,
            # Announced and not yet in effect: the current page says when it comes.
            "upcoming": upcoming,
            "is_upcoming": upcoming is not None and version == upcoming,
            "previous": previous,
            "changes": changes,
        },
    )


def privacy(request):
    version = policy_current()
    if version is None:
        raise Http404("No privacy policy has been published yet.")
    return _render_policy(request, version)


def policy_version(request, number):
    version = get_object_or_404(_published(), number=number)
    return _render_policy(request, version)


SAVED_FRAGMENT = "#cookie-choice-saved"  # base.html's confirmation of a saved choice


def _safe_next(request, fallback="/"):
    """A path on this site to go back to. Only a path: ``redirect()`` would take other text
    for a view name (and fail), and a full URL could lead elsewhere."""
    target = request.POST.get("next") or request.GET.get("next") or fallback
    # No allowed hosts: a path only, so a URL naming any host (ours too) is refused.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts=None, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_http_methods(["GET", "POST"])
def cookies(request):
    """Cookie settings. Works as a plain form; the banner posts here too.

    The POST is the hottest endpoint: one INSERT (the proof), no session, no user lookup.
    """
    if request.method == "POST":
        data = catalogue()  # once per request (and kept in-process for seconds)
        choice = request.POST.get("choice", "save")
        codes = {c["code"] for c in data["categories"]}
        if choice == "accept_all":
            accepted = codes
        elif choice == "reject_all":
            accepted = set()
        else:
            accepted = {code for code in codes if request.POST.get(f"category_{code}") == "on"}
        gpc = gpc_signal(request)
        if gpc:  # the browser's standing refusal wins over "accept all" and any tick
            accepted -= GPC_REFUSED_CATEGORIES
        choice = cookie_consent_record(
            accepted=accepted,
            gpc=gpc,
            ip_truncated=truncated_ip(client_ip(request)),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            given_at=int(time.time()),
            data=data,
        )
        if request.headers.get("X-Requested-With") == "fetch":
            response = render(
                request, "consents/cookie_saved.json", content_type="application/json"
            )
        else:
            # Back where the visitor came from (a path checked by _safe_next, so no reverse());
            # from the settings page itself, to the page again. The fragment shows the
            # confirmation there (base.html), with no session and nothing in the query.
            target = _safe_next(request, fallback="") or request.path
            response = HttpResponseRedirect(target.split("#")[0] + SAVED_FRAGMENT)
        response.set_cookie(
            CONSENT_COOKIE,
            choice.serialise(),
            max_age=CONSENT_MAX_AGE,
            secure=request.is_secure(),
            httponly=False,
            samesite="Lax",
        )
        for name in declined_cookie_names(choice, data):
            if name in request.COOKIES:
                response.delete_cookie(name)
        return response
    choice = CookieChoice.parse(request.COOKIES.get(CONSENT_COOKIE))
    return render(
        request,
        "consents/cookies.html",
        {
            "categories": CookieCategory.objects.prefetch_related("cookies"),
            "accepted": choice.categories if choice else frozenset(),
            "gpc_refused": GPC_REFUSED_CATEGORIES if gpc_signal(request) else frozenset(),
            "next": _safe_next(request, fallback=""),
            "show_cookie_banner": False,  # this page is the choice itself
        },
    )
