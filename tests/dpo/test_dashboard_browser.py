"""The DPO signs in in Chromium and their home shows the dashboard; the charts draw with the
CSP in force (a blocked inline script or style would be reported on the console)."""

import os

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from customers.core.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dpo_sees_the_dashboard_with_its_charts(live_server, page, staff_user, live_data):
    user = staff_user(role=Role.DPO.value, username="baovedulieu")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    problems, missing = [], []
    page.on(
        "console",
        lambda m: problems.append((m.text, m.location.get("url"))) if m.type == "error" else None,
    )
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)

    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", "baovedulieu")
    page.fill("#id_password", "a-long-test-password-2026")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/otp/**")
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.fill("#id_token", f"{code:06d}")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/agreement/**")
    page.get_by_role("button", name="Tôi đã đọc và chấp nhận cam kết này").click()
    page.wait_for_url("**/admin/")

    assert page.get_by_role("heading", name="Bảo vệ dữ liệu: hôm nay").is_visible()
    chart = page.get_by_role("img", name=live_data["email_purpose"].name_vi)
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["width"] > 200 and box["height"] > 100
    assert page.locator("#dpo-consent-charts rect").count() > 0
    assert page.get_by_text("Mailgun Frankfurt lưu trữ dữ liệu ở nước ngoài").is_visible()
    # The site has no favicon; anything else on the console (a CSP violation) is a failure.
    assert [p for p in problems if not p[1].endswith("/favicon.ico")] == []
    assert missing == []
    if os.environ.get("DPO_SCREENSHOT"):
        page.set_viewport_size({"width": 1280, "height": 1400})
        page.screenshot(path=os.environ["DPO_SCREENSHOT"], full_page=True)
