"""The main pages in both languages at a laptop's width (1366 px): each answers, speaks its
language, and nothing runs off the side. With SCREENSHOTS_DIR set (scripts/screenshots.py)
each is also saved as a picture, to look at before a release."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import TestCase
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from customers.models import DataRequest
from demo.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC = {"home": "/", "register": "/register/", "my-data": "/my-data/", "privacy": "/privacy/",
          "cookies": "/cookies/"}  # fmt: skip


def shot(page, name):
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def sign_in(page, base, username):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto(base + "/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/otp/**")
    page.fill("#id_token", f"{totp(device.bin_key):06d}")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/agreement/**")
    page.locator("button[name=accept]").click()
    page.wait_for_url(base + "/admin/")


def test_main_pages_in_both_languages(live_server, browser, settings):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo", customers=8, stdout=io.StringIO())
    settings.DEBUG = False
    from customers.requests.services import request_open
    from demo.factories import CustomerFactory

    request_open(
        customer=CustomerFactory(full_name="Ngô Thị Hạnh"),
        kind="correction",
        details="Tôi đã chuyển nhà.",
        proposed_changes={"address_home": "5 Lê Lợi, Huế"},
    )
    base = live_server.url
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 860})
    page = context.new_page()
    page.set_default_timeout(15_000)
    for language, prefix in (("vi", ""), ("en", "/en")):
        for name, path in PUBLIC.items():
            response = page.goto(base + prefix + path)
            assert response.status == 200, path
            assert page.locator("html").get_attribute("lang") == language
            assert fits(page), (language, path)
            shot(page, f"{language}-{name}")
    sign_in(page, base, "cskh")
    request = DataRequest.objects.get(kind="correction")
    for language, prefix in (("vi", ""), ("en", "/en")):
        for name, path in (
            ("admin-customers", "/admin/customers/customer/"),
            ("admin-request", f"/admin/customers/datarequest/{request.pk}/change/"),
        ):
            page.goto(base + prefix + path)
            assert page.locator("html").get_attribute("lang") == language
            assert fits(page), (language, path)
            shot(page, f"{language}-{name}")
    context.close()
