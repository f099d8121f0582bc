"""What axe-core cannot see, walked with the keyboard in Chromium at a laptop's 1366×768: the
open cookie banner covers no focus stop, closes with Escape, announces the choice it saved;
a form sent back with errors takes focus to a summary that names each field; focus rings and
input borders stand out (3:1); every page has its own title."""

import pytest
from django.core import mail

from customers.models import Customer
from customers.requests.services import request_open
from demo.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Whether the focused element is on screen and not covered by anything (the banner): the
# element at each of its corners (inset by 2 px) and at its centre is it or inside it.
COVERED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "body";
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) return null;  // the skip link before it shows
  const points = [[r.left + r.width / 2, r.top + r.height / 2], [r.left + 2, r.top + 2],
                  [r.right - 2, r.bottom - 2]];
  for (const [x, y] of points) {
    if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) return el.outerHTML.slice(0, 90);
    const top = document.elementFromPoint(x, y);
    if (!top || !(top === el || el.contains(top) || top.contains(el) ||
                  (el.labels && [...el.labels].some(l => l.contains(top)))))
      return el.outerHTML.slice(0, 90);
  }
  return null;
}"""

CONTRAST = """([fore, back]) => {
  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const [a, b] = [lum(rgb(fore)), lum(rgb(back))].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def wait_until(page, function, text="Đã lưu lựa chọn cookie"):
    # Not wait_for_function: it evaluates a string, which the site's CSP forbids.
    from playwright.sync_api import Error

    for _ in range(50):
        try:
            if text in page.evaluate(function):
                return
        except Error:  # the page is loading again (accept all reloads it)
            pass
        page.wait_for_timeout(100)
    raise AssertionError(f"never said {text!r}")


def laptop(browser, **options):
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 1366, "height": 768}, **options
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_with_the_banner_open_every_focus_stop_of_the_form_is_visible(live_server, browser, seeded):
    # Reduced motion: Bootstrap's smooth scrolling would still be under way when we look.
    context, page = laptop(browser, reduced_motion="reduce")
    page.goto(live_server.url + "/register/")
    page.locator("#cookie-banner").wait_for()
    # Business fields shown too: the most stops.
    page.locator("input[name=kind][value=business]").check()
    page.locator("body").focus()
    page.evaluate("window.scrollTo(0, 0)")
    covered, stops = [], 0
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#cookie-banner') !== null"):
            break  # the banner comes last in the page's order
        stops += 1
        problem = page.evaluate(COVERED)
        if problem:
            covered.append(problem)
    assert covered == []
    assert stops > 15
    context.close()


def test_escape_closes_the_banner_and_focus_goes_to_the_page(live_server, browser, seeded):
    context, page = laptop(browser)
    page.goto(live_server.url + "/register/")
    page.locator("#cookie-banner button[value=accept_all]").focus()
    page.keyboard.press("Escape")
    page.locator("#cookie-banner").wait_for(state="hidden")
    assert page.evaluate("document.activeElement !== document.body")
    # A visible close button does the same.
    page.goto(live_server.url + "/privacy/")
    context.clear_cookies()
    page.evaluate("sessionStorage.clear()")
    page.reload()
    page.get_by_role("button", name="Đóng").click()
    page.locator("#cookie-banner").wait_for(state="hidden")
    context.close()


def test_a_saved_cookie_choice_is_announced_in_a_region_present_from_the_start(
    live_server, browser, seeded
):
    context, page = laptop(browser)
    page.goto(live_server.url + "/register/")
    region = page.locator("#cookie-choice-status")
    assert region.get_attribute("role") == "status"
    assert region.inner_text().strip() == ""  # empty at load, filled when something happens
    page.locator("#cookie-banner button[value=reject_all]").click()
    wait_until(page, "() => document.getElementById('cookie-choice-status').innerText")
    assert page.evaluate("document.activeElement !== document.body")

    # Accept all reloads the page: the confirmation shows there, announced.
    context.clear_cookies()
    page.goto(live_server.url + "/register/")
    page.locator("#cookie-banner button[value=accept_all]").click()
    wait_until(page, "() => document.getElementById('cookie-choice-status').innerText")
    # Saving the settings page.
    page.goto(live_server.url + "/cookies/")
    page.locator("main form [type=submit]").last.click()
    wait_until(page, "() => document.getElementById('cookie-choice-status').innerText")
    context.close()


def test_without_javascript_the_cookie_choice_is_confirmed(live_server, browser, seeded):
    context, page = laptop(browser, java_script_enabled=False)
    page.goto(live_server.url + "/register/")
    page.locator("#cookie-banner button[value=reject_all]").click()
    page.wait_for_load_state()
    assert page.url.split("#")[0].endswith("/register/")
    assert "Đã lưu lựa chọn cookie" in page.locator("main").inner_text()
    context.close()


def test_a_form_with_errors_takes_focus_to_a_summary_naming_each_field(
    live_server, browser, seeded, settings
):
    settings.SITE_URL = live_server.url
    context, page = laptop(browser)
    page.goto(live_server.url + "/register/")
    page.locator("#cookie-banner button[value=reject_all]").click()
    page.locator("#cookie-banner").wait_for(state="detached")
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()
    summary = page.locator("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert summary.get_attribute("role") == "alert"
    assert summary.get_by_role("link", name="Họ và tên").count() == 1
    summary.get_by_role("link", name="Họ và tên").click()
    assert page.evaluate("document.activeElement.name") == "full_name"

    customer = CustomerFactory(email="an.tran@example.vn", kind=Customer.Kind.INDIVIDUAL)
    request_open(customer=customer, kind="access")
    page.goto(live_server.url + "/my-data/")
    page.get_by_label("Địa chỉ email của bạn").fill("an.tran@example.vn")
    page.locator("main form [type=submit]").click()
    page.wait_for_url("**/my-data/sent/")
    import re

    page.goto(re.search(r"https?://\S+/my-data/open/\S+/", mail.outbox[-1].body).group(0))
    page.locator("#link-step [type=submit]").click()
    page.wait_for_url("**/my-data/view/")
    for path in ("/my-data/correct/", "/my-data/complain/"):
        page.goto(live_server.url + path)
        if path == "/my-data/correct/":
            page.get_by_label("Email").fill("khong-phai-email")
        page.locator("main form [type=submit]").last.click()
        page.wait_for_load_state()
        assert page.evaluate("document.activeElement.id") == "error-summary", path
        assert page.locator("#error-summary li").count() >= 1, path
    context.close()


def test_focus_rings_and_input_borders_stand_out(live_server, browser, seeded):
    context, page = laptop(browser)
    page.goto(live_server.url + "/register/")
    weak = []
    for selector in ("#id_full_name", "#id_email", "input[name=kind]", "main [type=submit]"):
        element = page.locator(selector).first
        border = element.evaluate("e => getComputedStyle(e).borderTopColor")
        if (
            selector != "main [type=submit]"
            and page.evaluate(CONTRAST, [border, "rgb(255,255,255)"]) < 3
        ):
            weak.append(f"{selector} border {border}")
        element.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
        style = element.evaluate(
            "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
        )
        if style[0] == "none" or float(style[1].rstrip("px")) < 2:
            weak.append(f"{selector} focus outline {style}")
        elif page.evaluate(CONTRAST, [style[2], "rgb(255,255,255)"]) < 3:
            weak.append(f"{selector} focus outline colour {style[2]}")
    assert weak == []
    context.close()


def test_every_public_page_has_its_own_title(live_server, browser, seeded, settings):
    settings.SITE_URL = live_server.url
    context, page = laptop(browser)
    company = None
    untitled = []

    def check(label):
        nonlocal company
        title = page.title()
        if company is None:
            company = page.locator(".site-brand").inner_text().strip()
        if title.strip() == company or not title.strip():
            untitled.append(label)

    page.goto(live_server.url + "/register/")
    page.locator("#id_kind_0, input[name=kind]").first.check()
    page.fill("#id_full_name", "Trần Văn An")
    page.fill("#id_email", "an.tran@example.vn")
    page.fill("#id_phone_mobile", "0912 111 222")
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()
    check("register done")
    customer = CustomerFactory(email="binh@example.vn", kind=Customer.Kind.INDIVIDUAL)
    request_open(customer=customer, kind="access")
    page.goto(live_server.url + "/my-data/")
    page.get_by_label("Địa chỉ email của bạn").fill("binh@example.vn")
    page.locator("main form [type=submit]").click()
    page.wait_for_url("**/my-data/sent/")
    check("my-data sent")
    import re

    page.goto(re.search(r"https?://\S+/my-data/open/\S+/", mail.outbox[-1].body).group(0))
    page.locator("#link-step [type=submit]").click()
    page.wait_for_url("**/my-data/view/")
    for path in ("/my-data/correct/", "/my-data/complain/", "/my-data/delete/", "/my-data/object/"):
        page.goto(live_server.url + path)
        check(path)
    page.goto(live_server.url + "/my-data/complain/")
    page.locator("textarea").first.fill("Tôi không nhận được hoá đơn.")
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()
    check("request received")
    page.goto(live_server.url + "/confirm/not-a-token/")
    check("confirm link invalid")
    assert untitled == []
    context.close()
