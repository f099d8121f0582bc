"""The staff sign-in steps as a new engineer meets them in Chromium: the enrolment QR code is
visible and scans to the authenticator URI; before the second factor (and the agreement) the
admin shows nothing but the step and a way to sign out."""

import io

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-2026"


def sign_in_with_password(page, base, username):
    page.goto(base + "/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/otp/**")


def decode_qr(png_bytes):
    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(png_bytes)).convert("L")
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_the_enrolment_qr_code_is_visible_and_scans_to_the_device_uri(
    live_server, page, staff_user
):
    staff_user(role="Chăm sóc khách hàng", username="moi.vao")
    sign_in_with_password(page, live_server.url, "moi.vao")

    qr = page.locator(".otp-qr img")
    qr.wait_for()
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["height"] >= 150  # big enough to scan from a screen
    device = TOTPDevice.objects.get(user__username="moi.vao", confirmed=False)
    assert decode_qr(qr.screenshot()) == [device.config_url]

    # What the phone reads is what the site checks: the code from that URI signs in.
    page.fill("#id_token", f"{totp(device.bin_key):06d}")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/agreement/**")


def _shows_only_the_step(page):
    assert page.locator("#nav-sidebar").count() == 0
    assert page.locator("a[href*='/admin/customers/']").count() == 0
    assert page.locator("a[href*='/admin/consents/']").count() == 0
    text = page.locator("body").inner_text()
    assert "Khách hàng" not in text and "Customers" not in text


def test_before_the_second_factor_only_the_step_and_a_sign_out(live_server, page, staff_user):
    user = staff_user(role="Chăm sóc khách hàng", username="cskh2")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    sign_in_with_password(page, live_server.url, "cskh2")
    _shows_only_the_step(page)

    page.fill("#id_token", f"{totp(device.bin_key):06d}")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/agreement/**")
    _shows_only_the_step(page)  # nor before the agreement is accepted

    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/admin/logout/**")
    page.goto(live_server.url + "/admin/customers/customer/")
    page.wait_for_url("**/admin/login/**")  # signed out: the password again


def test_sign_out_from_the_code_step(live_server, page, staff_user):
    user = staff_user(role="Kế toán", username="ketoan2")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    sign_in_with_password(page, live_server.url, "ketoan2")
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/admin/logout/**")
    page.goto(live_server.url + "/admin/otp/")
    page.wait_for_url("**/admin/login/**")
