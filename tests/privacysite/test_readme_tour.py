"""The README's tour, step by step, in Chromium, on the demo data and demo logins that
`make run` creates: fill the form, see the customer as sales, ask for your data, answer as
customer care, run the retention dry run. If the README and the site drift apart, this fails.

With SCREENSHOTS_DIR set it also saves the README's pictures (scripts/screenshots.py).
"""

import base64
import io
import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django_otp.oath import totp

from customers.models import Customer, DataRequest
from customers.records.submissions import submissions_process_pending
from demo.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
README = Path(__file__).resolve().parents[2] / "README.md"
EMAIL = "an.tran@example.vn"


def shot(page, name):
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)


def sign_in_first_time(page, base, username):
    """Password, then the QR-code enrolment (the key shown under it), then the agreement."""
    page.goto(base + "/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/otp/**")
    secret = page.locator("code").inner_text().strip()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_token", f"{totp(key):06d}")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/agreement/**")
    page.get_by_role("button", name="Tôi đã đọc và chấp nhận cam kết này").click()
    page.wait_for_url(base + "/admin/")


def test_the_readme_tour_reaches_every_step(live_server, browser, settings):
    readme = README.read_text()
    for step in ("Fill the form", "See the customer as sales", "Ask for your data"):
        assert step in readme
    settings.DEBUG = True  # seed_demo refuses to run otherwise, as on a production install
    call_command("seed_demo", customers=5, stdout=io.StringIO())
    settings.DEBUG = False
    settings.SITE_URL = base = live_server.url
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(15_000)

    # 1. Fill the form: every optional purpose an unticked box; a confirmation email.
    page.goto(base + "/register/")
    boxes = page.locator("input[type=checkbox][name^=purpose_]")
    assert boxes.count() >= 1 and not any(b.is_checked() for b in boxes.all())
    page.get_by_role("textbox", name="Họ và tên").fill("Trần Văn An")
    page.get_by_role("textbox", name="Email").fill(EMAIL)
    page.get_by_role("textbox", name="Điện thoại").fill("0903 456 789")
    page.get_by_role("textbox", name="Địa chỉ").fill("18 Lê Thánh Tôn, Q.1")
    shot(page, "register")
    page.locator("#registration-form [type=submit]").click()
    page.wait_for_url("**/register/done/**")
    assert submissions_process_pending() == 1  # what the worker does within 5 seconds
    assert Customer.objects.filter(full_name="Trần Văn An").exists()
    assert "/confirm/" in mail.outbox[-1].body

    # 2. See the customer as sales: search by the full email (blind index).
    sign_in_first_time(page, base, "kinhdoanh")
    page.goto(base + "/admin/customers/customer/")
    page.fill("#searchbar", EMAIL)
    page.press("#searchbar", "Enter")
    page.get_by_role("link", name="Trần Văn An").wait_for()
    shot(page, "admin")
    context.clear_cookies()

    # 3. Ask for your data: the link from the email, the copy, a correction.
    page.goto(base + "/my-data/")
    page.get_by_label("Địa chỉ email của bạn").fill(EMAIL)
    page.get_by_role("button", name="Gửi liên kết cho tôi").click()
    page.get_by_role("heading", name="Hãy kiểm tra email").wait_for()
    link = re.search(r"https?://\S+/my-data/open/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Mở dữ liệu của tôi").click()
    page.get_by_role("heading", name="Dữ liệu chúng tôi lưu về bạn").wait_for()
    shot(page, "my-data")
    page.get_by_role("link", name="Yêu cầu chỉnh sửa").click()
    page.get_by_label("Điện thoại di động").fill("0988 777 666")
    page.get_by_role("button", name="Gửi").click()
    page.get_by_role("heading", name="Chúng tôi đã nhận được yêu cầu của bạn").wait_for()
    context.clear_cookies()

    # 4. Answer as customer care: the request, "Handle this request", apply the correction.
    sign_in_first_time(page, base, "cskh")
    request = DataRequest.objects.get(customer__full_name="Trần Văn An")
    page.goto(base + "/admin/customers/datarequest/")
    page.get_by_role("link", name=request.reference).click()
    page.get_by_role("heading", name="Xử lý yêu cầu này").wait_for()
    page.select_option("#id_action", "apply_correction")
    shot(page, "handle-request")
    page.locator("form[action$='/handle/'] input[type=submit]").click()
    page.wait_for_load_state()
    customer = Customer.objects.get(full_name="Trần Văn An")
    assert customer.phone_mobile == "0988 777 666"
    context.close()

    # 5. Run the retention dry run: counts per rule, no personal data.
    out = io.StringIO()
    call_command("run_retention", "--dry-run", stdout=out)
    assert "Trần Văn An" not in out.getvalue() and EMAIL not in out.getvalue()
    assert re.search(r"\d", out.getvalue())
    # Each rule in words, and the demo data reaches something (the README says what).
    assert "Dữ liệu cá nhân khách hàng: giữ 1 năm, tính từ" in out.getvalue()
    assert re.search(r"được giữ lại vì .*bảo hành.*: 1", out.getvalue())
