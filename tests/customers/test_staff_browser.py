"""A technical-support engineer signs in with password and TOTP in Chromium and sees the
customer list masked."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from customers.core.roles import Role
from demo.factories import CustomerFactory, ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_signs_in_with_totp_and_sees_masked_data(live_server, page, staff_user, seeded):
    customer = CustomerFactory(
        full_name="Đinh Thị Mai",
        tax_code="0312345673",
        address_home="7 Phố Huế, Hà Nội",
        phone_mobile="0912 555 666",
    )
    ServiceFactory(customer=customer)
    user = staff_user(role=Role.TECH_SUPPORT.value, username="kythuat")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    page.goto(live_server.url + "/admin/customers/customer/")
    page.fill("#id_username", "kythuat")
    page.fill("#id_password", "a-long-test-password-2026")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/otp/**")
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.fill("#id_token", f"{code:06d}")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/agreement/**")
    page.get_by_role("button", name="Tôi đã đọc và chấp nhận cam kết này").click()
    page.wait_for_url("**/admin/customers/customer/")
    text = page.locator("#result_list").inner_text()
    assert "Đinh Thị Mai" in text
    assert "0912 555 666" in text  # technical support sees the contact
    page.get_by_role("link", name="Đinh Thị Mai").click()
    page.wait_for_url(f"**/admin/customers/customer/{customer.pk}/change/")
    html = page.content()
    assert "0312345673" not in html and "7 Phố Huế" not in html
    assert "••••••" in html
