"""Global Privacy Control as a browser sends it, in real headless Chromium."""

import pytest

from customers.consents.models import CookieConsent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gpc_page(browser, live_server, seeded):
    # Chromium sends Sec-GPC with every request, as Firefox and Brave do when GPC is on.
    context = browser.new_context(locale="vi-VN", extra_http_headers={"Sec-GPC": "1"})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_accept_all_under_gpc_keeps_analytics_off_and_the_banner_said_why(gpc_page, live_server):
    page = gpc_page
    page.goto(live_server.url + "/")
    notice = page.locator("#gpc-banner-notice")
    notice.wait_for(state="visible")
    assert "Global Privacy Control" in notice.inner_text()
    page.get_by_role("button", name="Chấp nhận tất cả").click()
    page.locator("#cookie-banner").wait_for(state="detached")
    page.reload()
    assert page.locator("script[data-cookie-category=analytics]").count() == 0
    assert "_site_stats" not in {c["name"] for c in page.context.cookies()}
    record = CookieConsent.objects.get()
    assert record.gpc is True and "analytics" not in record.categories


def test_registration_form_under_gpc_shows_why_its_boxes_are_unticked(gpc_page, live_server):
    page = gpc_page
    page.goto(live_server.url + "/register/")
    assert page.locator("#gpc-form-notice").is_visible()
    box = page.locator("input[name=purpose_marketing_email]")
    assert box.count() == 1 and not box.is_checked()
