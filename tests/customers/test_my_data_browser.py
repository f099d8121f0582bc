"""The customer's whole path through /my-data/ in real headless Chromium: ask for a link,
open it, download the copy, ask for a correction; staff apply it; the customer sees the
change and the staff member in the list of who looked at their data."""

import json
import re

import pytest
from django.core import mail

from customers.audit.services import access_log
from customers.core.roles import Role
from customers.models import DataRequest
from customers.requests.services import request_apply_correction
from demo.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ask_open_download_correct_and_see_who_looked(
    live_server, page, seeded, staff_user, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    customer = CustomerFactory(
        email="mai.dang@example.vn", full_name="Đặng Thị Mai", phone_mobile="0912 111 222"
    )
    page.goto(live_server.url + "/my-data/")
    page.get_by_label("Địa chỉ email của bạn").fill("mai.dang@example.vn")
    page.get_by_role("button", name="Gửi liên kết cho tôi").click()
    page.get_by_role("heading", name="Hãy kiểm tra email").wait_for()

    link = re.search(r"https?://\S+/my-data/open/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)  # a page that says what the button does (a mail scanner spends nothing)
    assert "0912 111 222" not in page.content()
    page.get_by_role("button", name="Mở dữ liệu của tôi").click()
    page.get_by_role("heading", name="Dữ liệu chúng tôi lưu về bạn").wait_for()
    assert "0912 111 222" in page.content()

    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về (JSON)").click()
    path = tmp_path / "copy.json"
    download.value.save_as(path)
    copy = json.loads(path.read_text())
    assert copy["profile"]["full_name"] == "Đặng Thị Mai"
    assert copy["profile"]["email"] == "mai.dang@example.vn"

    page.get_by_role("link", name="Yêu cầu chỉnh sửa").click()
    page.get_by_label("Điện thoại di động").fill("0988 333 444")
    page.get_by_role("button", name="Gửi").click()
    page.get_by_role("heading", name="Chúng tôi đã nhận được yêu cầu của bạn").wait_for()

    care = staff_user(role=Role.CUSTOMER_CARE.value, username="cskh")
    access_log(actor=care, action="view", customers=[customer], fields=["phone_mobile"])
    request_apply_correction(request=DataRequest.objects.get(), actor=care)

    page.get_by_role("link", name="Quay lại dữ liệu của tôi").click()
    html = page.content()
    assert "0988 333 444" in html and "0912 111 222" not in html
    assert "Chăm sóc khách hàng" in page.locator("main").inner_text()  # the team, not a login


def test_reloading_the_page_after_a_deletion_request_files_nothing_again(live_server, page, seeded):
    from customers.requests import my_data

    customer = CustomerFactory(email="reload@example.vn")
    page.goto(live_server.url + "/my-data/open/" + my_data.link_token(customer) + "/")
    page.get_by_role("button", name="Mở dữ liệu của tôi").click()
    page.get_by_role("heading", name="Dữ liệu chúng tôi lưu về bạn").wait_for()
    page.goto(live_server.url + "/my-data/delete/")
    page.get_by_role("button", name="Gửi").click()
    page.get_by_role("heading", name="Chúng tôi đã nhận được yêu cầu của bạn").wait_for()
    page.reload()
    page.get_by_role("heading", name="Chúng tôi đã nhận được yêu cầu của bạn").wait_for()
    page.go_back()
    page.go_forward()
    assert DataRequest.objects.filter(customer=customer).count() == 1
