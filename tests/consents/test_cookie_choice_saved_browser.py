"""Choosing cookies: the settings page is not covered by the banner, and a saved choice is
confirmed, on the settings page and from the banner."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_cookie_page_has_no_banner_and_confirms_a_saved_choice(live_server, page, seeded):
    page.goto(live_server.url + "/cookies/")
    assert page.locator("#cookie-banner").count() == 0
    page.get_by_role("button", name="Lưu lựa chọn của tôi").click()
    page.wait_for_load_state()
    assert "Đã lưu lựa chọn cookie của bạn" in page.get_by_role("status").first.inner_text()


def test_the_banner_confirms_a_choice(live_server, page, seeded):
    page.goto(live_server.url + "/register/")
    page.locator("#cookie-banner").get_by_role("button", name="Từ chối tất cả").click()
    page.locator("#cookie-banner").wait_for(state="detached", timeout=10_000)
    status = page.locator("#cookie-choice-status")  # in the page from the start, then filled
    assert status.get_attribute("role") == "status"
    assert "Đã lưu lựa chọn cookie của bạn" in status.inner_text()
