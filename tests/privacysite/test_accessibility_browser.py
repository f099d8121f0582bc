"""WCAG 2.1 A and AA, checked by axe-core (from npm, `npm ci`; package-lock.json pins it) injected
into Debian's Chromium by Playwright: every public page in the states a customer meets (cookie
banner open, a form sent back with errors, a request received) and the main staff pages. Each
page must have no violation at all."""

import io
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import TestCase

from customers.consents.tokens import preferences_token
from customers.models import Customer, DataRequest
from customers.requests.services import request_open
from demo.factories import CustomerFactory
from tests.conftest import missing
from tests.privacysite.test_main_pages_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page):
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now, one line each."""
    if not AXE.exists():
        missing("needs axe-core: run `npm ci` (make install does)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated by the debugger, not as a <script>: the site's CSP stays on while it runs.
        page.evaluate(AXE.read_text() + "\n;typeof window.axe")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in result["violations"]
    ]


def scan(page, url, found, label=None):
    response = page.goto(url)
    assert response.status < 400, url
    found.extend(f"{label or url}: {line}" for line in violations(page))


def my_data_link(base):
    return re.search(r"https?://\S+/my-data/open/\S+/", mail.outbox[-1].body).group(0)


def test_public_pages_have_no_wcag_violations(live_server, browser, seeded, settings):
    settings.SITE_URL = live_server.url
    base = live_server.url
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15_000)
    found = []
    # The banner is open on the first visit: scanned with it.
    for path in ("/", "/register/", "/service-request/", "/my-data/", "/privacy/", "/cookies/",
                 "/references/"):  # fmt: skip
        scan(page, base + path, found)

    # Sent back with errors.
    page.goto(base + "/register/")
    page.locator("form[data-cookie-banner] button[value=reject_all]").click()
    page.locator("#cookie-banner").wait_for(state="detached")
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()
    found.extend(f"register, errors: {line}" for line in violations(page))

    customer = CustomerFactory(
        email="an.tran@example.vn", full_name="Trần Văn An", kind=Customer.Kind.INDIVIDUAL
    )
    request_open(customer=customer, kind="access")
    page.goto(base + "/my-data/")
    found.extend(f"my-data sent: {line}" for line in violations(page))
    page.get_by_label("Địa chỉ email của bạn").fill("an.tran@example.vn")
    page.locator("main form [type=submit]").click()
    page.wait_for_url("**/my-data/sent/")
    found.extend(f"my-data sent: {line}" for line in violations(page))
    scan(page, my_data_link(base), found, "my-data open")
    page.locator("#link-step [type=submit]").click()
    page.wait_for_url("**/my-data/view/")
    found.extend(f"my-data overview: {line}" for line in violations(page))
    for path in ("/my-data/correct/", "/my-data/complain/", "/my-data/delete/",
                 "/my-data/object/"):  # fmt: skip
        scan(page, base + path, found)
    for path in ("/my-data/correct/", "/my-data/complain/"):
        page.goto(base + path)
        page.locator("main form [type=submit]").last.click()
        page.wait_for_load_state()
        found.extend(f"{path}, errors: {line}" for line in violations(page))
    page.goto(base + "/my-data/correct/")
    page.get_by_label("Điện thoại di động").fill("0988 333 444")
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()
    found.extend(f"request received: {line}" for line in violations(page))

    scan(page, base + f"/preferences/{preferences_token(customer)}/", found, "preferences")
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()
    found.extend(f"preferences saved: {line}" for line in violations(page))
    for path in ("/en/", "/en/register/", "/en/my-data/"):  # the choice of English sticks
        scan(page, base + path, found)
    context.close()
    assert found == [], "\n".join(found)


def test_staff_pages_have_no_wcag_violations(live_server, browser, settings):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo", customers=6, stdout=io.StringIO())
    settings.DEBUG = False
    customer = CustomerFactory(full_name="Ngô Thị Hạnh")
    request_open(
        customer=customer,
        kind="correction",
        details="Tôi đã chuyển nhà.",
        proposed_changes={"address_home": "5 Lê Lợi, Huế"},
    )
    request = DataRequest.objects.filter(kind="correction").latest("pk")
    base = live_server.url
    found = []
    for username, paths in (
        ("cskh", ["/admin/", "/admin/customers/customer/",
                  f"/admin/customers/customer/{customer.pk}/change/",
                  "/admin/customers/datarequest/",
                  f"/admin/customers/datarequest/{request.pk}/change/"]),
        ("kinhdoanh", ["/admin/customers/customer/?q=Ngô", "/admin/customers/campaign/"]),
    ):  # fmt: skip
        context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, base, username)
        for path in paths:
            scan(page, base + path, found, f"{username} {path}")
        context.close()
    assert found == [], "\n".join(found)
