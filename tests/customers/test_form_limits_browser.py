"""The public forms' abuse limit, as a person meets it in Chromium: mistakes they correct do
not use up the limit, and a form refused for the limit keeps everything they typed."""

import pytest

from customers.models import Submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_registration(page, phone):
    page.get_by_role("textbox", name="Họ và tên").fill("Trần Văn An")
    page.get_by_role("textbox", name="Email").fill("an.tran@example.vn")
    page.get_by_role("textbox", name="Điện thoại").fill(phone)
    page.get_by_role("textbox", name="Địa chỉ").fill("18 Lê Thánh Tôn, Q.1")


def send(page):
    page.locator("#registration-form [type=submit]").click()
    page.wait_for_load_state()


def test_ten_corrected_mistakes_do_not_refuse_the_valid_form(live_server, page, seeded, settings):
    settings.FORM_RATE_LIMIT = "10/10m"  # accepted forms
    settings.FORM_POST_RATE_LIMIT = "60/10m"  # every post
    page.goto(live_server.url + "/register/")
    fill_registration(page, phone="12")
    for _ in range(10):
        send(page)
        assert page.url.endswith("/register/")
        assert page.get_by_role("textbox", name="Họ và tên").input_value() == "Trần Văn An"
    page.get_by_role("textbox", name="Điện thoại").fill("0903 456 789")
    send(page)
    page.wait_for_url("**/register/done/")
    assert Submission.objects.count() == 1


def test_a_form_refused_for_the_limit_keeps_what_was_typed(live_server, page, seeded, settings):
    settings.FORM_RATE_LIMIT = "1/10m"
    settings.FORM_POST_RATE_LIMIT = "60/10m"
    page.goto(live_server.url + "/register/")
    fill_registration(page, phone="0903 456 789")
    send(page)
    page.wait_for_url("**/register/done/")

    page.goto(live_server.url + "/register/")
    fill_registration(page, phone="0911 222 333")
    page.get_by_role("textbox", name="Họ và tên").fill("Lê Thị Bình")
    send(page)
    alert = page.get_by_role("alert")
    assert "Quá nhiều yêu cầu" in alert.inner_text()
    assert "mười phút" in alert.inner_text()
    assert page.get_by_role("textbox", name="Họ và tên").input_value() == "Lê Thị Bình"
    assert page.get_by_role("textbox", name="Điện thoại").input_value() == "0911 222 333"
    assert page.get_by_role("textbox", name="Địa chỉ").input_value() == "18 Lê Thánh Tôn, Q.1"
    assert Submission.objects.count() == 1


def test_the_ceiling_on_all_posts_also_keeps_what_was_typed(live_server, page, seeded, settings):
    settings.FORM_RATE_LIMIT = "10/10m"
    settings.FORM_POST_RATE_LIMIT = "3/10m"
    page.goto(live_server.url + "/register/")
    fill_registration(page, phone="12")
    for _ in range(3):
        send(page)
    # A fourth post that still fails validation is one too many for the ceiling on posts
    # (accepted forms count against FORM_RATE_LIMIT instead): refused, nothing typed lost.
    page.get_by_role("textbox", name="Họ và tên").fill("Trần Văn Bốn")
    send(page)
    assert page.get_by_role("alert").filter(has_text="Quá nhiều yêu cầu").is_visible()
    assert page.get_by_role("textbox", name="Họ và tên").input_value() == "Trần Văn Bốn"
    assert Submission.objects.count() == 0
