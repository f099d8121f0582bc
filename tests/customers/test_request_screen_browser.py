"""The screens staff work in, at the sizes of their laptops (1366 and 1280 px wide): a
request offers only the actions that apply to its type and status, nothing overflows, the
customer list shows its last column, and the navigation stays on one line."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from customers.core.roles import Role
from customers.models import DataRequest
from customers.requests.services import request_apply_correction, request_open
from demo.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def laptop(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page, base, user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto(base + "/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "a-long-test-password-2026")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/otp/**")
    page.fill("#id_token", f"{totp(device.bin_key):06d}")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/agreement/**")
    page.get_by_role("button", name="Tôi đã đọc và chấp nhận cam kết này").click()
    page.wait_for_url(base + "/admin/")


def offered(page):
    return set(page.locator("#id_action option").evaluate_all("os => os.map(o => o.value)"))


def no_horizontal_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def open_request(page, base, data_request):
    page.goto(f"{base}/admin/customers/datarequest/{data_request.pk}/change/")


def test_a_correction_offers_what_applies_and_fits_1366(live_server, laptop, staff_user, seeded):
    customer = CustomerFactory(full_name="Ngô Thị Hạnh")
    correction = request_open(
        customer=customer, kind="correction", proposed_changes={"address_home": "5 Lê Lợi, Huế"}
    )
    care = staff_user(role=Role.CUSTOMER_CARE.value, username="cskh")
    sign_in(laptop, live_server.url, care)

    open_request(laptop, live_server.url, correction)
    assert offered(laptop) == {
        "verified",
        "in_progress",
        "rejected",
        "extend",
        "apply_correction",
        "note",
    }
    title = laptop.get_by_role("heading", name="Xử lý yêu cầu này")
    assert title.bounding_box()["width"] > 300  # not squeezed into a narrow column
    assert no_horizontal_overflow(laptop)
    # The correction as old → new, in words.
    assert "Địa chỉ nhà riêng" in laptop.locator("#content-main").inner_text()
    assert "→ 5 Lê Lợi, Huế" in laptop.locator("#content-main").inner_text()

    request_apply_correction(request=correction, actor=care)
    open_request(laptop, live_server.url, correction)
    assert offered(laptop) == {"note"}  # applied: nothing to apply, erase or answer again


def test_a_deletion_offers_erasure_only_to_who_may_erase(
    live_server, laptop, browser, staff_user, seeded
):
    deletion = request_open(customer=CustomerFactory(), kind="deletion")
    dpo = staff_user(role=Role.DPO.value, username="baovedulieu")
    sign_in(laptop, live_server.url, dpo)
    open_request(laptop, live_server.url, deletion)
    assert "erase" in offered(laptop) and "apply_correction" not in offered(laptop)

    care = staff_user(role=Role.CUSTOMER_CARE.value, username="cskh")
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
    other = context.new_page()
    sign_in(other, live_server.url, care)
    open_request(other, live_server.url, deletion)
    assert "erase" not in offered(other)
    context.close()


def test_an_action_that_does_not_apply_is_refused(live_server, laptop, staff_user, seeded):
    """A form sent from an older page (the request moved on) is refused with a message."""
    access = request_open(customer=CustomerFactory(), kind="access")
    care = staff_user(role=Role.CUSTOMER_CARE.value, username="cskh")
    sign_in(laptop, live_server.url, care)
    open_request(laptop, live_server.url, access)
    laptop.evaluate(
        "document.querySelector('#id_action').add(new Option('apply', 'apply_correction'))"
    )
    laptop.select_option("#id_action", "apply_correction")
    laptop.get_by_role("button", name="Thực hiện").click()
    laptop.wait_for_load_state()
    assert laptop.locator(".messagelist .error").count() == 1
    assert DataRequest.objects.get(pk=access.pk).status == DataRequest.Status.RECEIVED


def test_the_customer_list_and_navigation_fit(live_server, browser, staff_user, seeded):
    for i in range(3):
        CustomerFactory(full_name=f"Trương Thị Bích Ngọc {i}", business=True)
    board = staff_user(role=Role.BOARD.value, username="giamdoc")
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    sign_in(page, live_server.url, board)
    page.goto(live_server.url + "/admin/customers/customer/")
    # Every column in sight: the list does not scroll sideways inside its box.
    assert page.locator("#changelist .results").evaluate("el => el.scrollWidth <= el.clientWidth")
    assert no_horizontal_overflow(page)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + "/admin/customers/customer/")
    assert page.locator("#header").bounding_box()["height"] < 80  # one line
    assert no_horizontal_overflow(page)
    for path in ("/privacy/", "/en/privacy/"):
        page.goto(live_server.url + path)
        tops = page.locator("header .nav-link").evaluate_all(
            "links => links.map(l => Math.round(l.getBoundingClientRect().top))"
        )
        assert len(set(tops)) == 1, path  # the site's navigation on one line
    context.close()
