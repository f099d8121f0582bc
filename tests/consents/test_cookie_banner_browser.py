"""The cookie banner as a visitor meets it, in real headless Chromium."""

import time

import pytest

from customers.consents.services.cookies import cookie_policy_publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NECESSARY = {"csrftoken", "cookie_consent"}


@pytest.fixture
def site(live_server, seeded):
    return live_server.url


def cookie_names(page):
    return {c["name"] for c in page.context.cookies()}


def test_reject_all_leaves_only_necessary_cookies_and_no_analytics(site, page):
    page.goto(site + "/")
    banner = page.locator("#cookie-banner")
    assert banner.is_visible()
    assert cookie_names(page) <= NECESSARY  # nothing optional before a choice
    page.get_by_role("button", name="Từ chối tất cả").click()
    banner.wait_for(state="detached")
    page.reload()
    assert page.locator("#cookie-banner").count() == 0
    assert page.locator("script[data-cookie-category=analytics]").count() == 0
    assert cookie_names(page) <= NECESSARY


def test_accept_all_loads_the_gated_script(site, page):
    page.goto(site + "/")
    page.get_by_role("button", name="Chấp nhận tất cả").click()
    # The page reloads with the gated script (no string evaluation: the CSP forbids eval).
    page.locator("script[data-cookie-category=analytics]").wait_for(state="attached")
    page.wait_for_load_state("load")
    deadline = time.monotonic() + 5
    while "_site_stats" not in cookie_names(page) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "_site_stats" in cookie_names(page)
    assert page.locator("#cookie-banner").count() == 0


def test_new_cookie_policy_version_brings_the_banner_back(site, page):
    page.goto(site + "/")
    page.get_by_role("button", name="Từ chối tất cả").click()
    page.locator("#cookie-banner").wait_for(state="detached")
    cookie_policy_publish(actor=None, notes="Thêm cookie mới")
    page.goto(site + "/")
    assert page.locator("#cookie-banner").is_visible()


def test_banner_works_with_the_keyboard_alone(site, page):
    page.goto(site + "/")
    reject = page.get_by_role("button", name="Từ chối tất cả")
    for _ in range(60):
        page.keyboard.press("Tab")
        if reject.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Reject all cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.locator("#cookie-banner").wait_for(state="detached")
    assert page.evaluate("document.cookie").count("cookie_consent=") == 1


def test_banner_works_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(site + "/privacy/")
        page.get_by_role("button", name="Từ chối tất cả").click()
        page.wait_for_load_state()
        assert page.url.endswith("/privacy/#cookie-choice-saved")
        assert page.locator("#cookie-banner").count() == 0
        assert "cookie_consent" in cookie_names(page)
    finally:
        context.close()
