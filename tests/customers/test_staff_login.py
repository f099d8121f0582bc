"""Staff sign in with a password and a TOTP code, accept the agreement, then see data."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from customers.core.roles import Role
from customers.models import AgreementAcceptance
from demo.factories import CustomerFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-2026"
CHANGELIST = reverse("admin:customers_customer_changelist")


def code_for(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_password_alone_never_reaches_customer_data(client, staff_user):
    CustomerFactory(full_name="Phan Văn Mật")
    staff_user(role=Role.SALES.value, username="lan")
    response = client.post(
        reverse("admin:login"), {"username": "lan", "password": PASSWORD, "next": CHANGELIST}
    )
    assert response.status_code == 302
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:otp"))
    assert "Phan Văn Mật" not in client.get(response["Location"]).content.decode()


def test_first_login_enrols_a_device_with_a_qr_code_then_asks_for_the_agreement(
    client, staff_user, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code below would delay the right one
    CustomerFactory(full_name="Phan Văn Mật")
    user = staff_user(role=Role.SALES.value, username="lan")
    client.post(reverse("admin:login"), {"username": "lan", "password": PASSWORD})
    page = client.get(reverse("admin:otp") + f"?next={CHANGELIST}").content.decode()
    assert "<svg" in page  # the QR code, inline
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    wrong = client.post(reverse("admin:otp"), {"token": "000000", "next": CHANGELIST})
    assert "Mã không hợp lệ" in wrong.content.decode()

    response = client.post(reverse("admin:otp"), {"token": code_for(device), "next": CHANGELIST})
    assert response["Location"] == CHANGELIST
    device.refresh_from_db()
    assert device.confirmed

    response = client.get(CHANGELIST)
    assert response["Location"].startswith(reverse("admin:agreement"))
    agreement_page = client.get(response["Location"]).content.decode()
    assert "Tôi cam kết" in agreement_page
    assert "Phan Văn Mật" not in agreement_page
    client.post(reverse("admin:agreement"), {"accept": "yes", "next": CHANGELIST})
    assert AgreementAcceptance.objects.filter(user=user).exists()
    assert "Phan Văn Mật" in client.get(CHANGELIST).content.decode()


def test_repeated_wrong_passwords_lock_the_account_with_a_clear_message(client, staff_user):
    staff_user(role=Role.SALES.value, username="lan")
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": "lan", "password": "wrong"})
    response = client.post(reverse("admin:login"), {"username": "lan", "password": PASSWORD})
    html = response.content.decode()
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in html
    assert not re.search(r"sessionid=", response.headers.get("Set-Cookie", ""))


def test_security_headers_are_sent(client):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
