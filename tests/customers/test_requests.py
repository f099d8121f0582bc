"""Customer requests: the my-data link, the copy, corrections, complaints and the clocks."""

import datetime
import json
import re
import statistics
import time

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customers.core.labels import correction_pairs
from customers.core.roles import Role
from customers.models import AccessLogEntry, CustomerChange, DataRequest
from customers.records.services import customer_suspend_email
from customers.requests.deadlines import add_working_days, request_deadlines
from customers.requests.services import (
    RequestError,
    request_apply_correction,
    request_extend,
    request_open,
    request_transition,
)
from demo.factories import AccountingDocumentFactory, CustomerFactory, ServiceFactory
from tests.conftest import login_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    settings.MY_DATA_RATE_LIMIT = "1000/m"
    settings.MY_DATA_RECIPIENT_RATE_LIMIT = "1000/m"


def test_two_working_days_skip_the_weekend_and_tet():
    # Friday 13 Feb 2026, Tết holidays 16-20 Feb: two working days end on Tuesday 24 Feb.
    assert add_working_days(datetime.date(2026, 2, 13), 2) == datetime.date(2026, 2, 24)
    assert add_working_days(datetime.date(2026, 11, 20), 2) == datetime.date(2026, 11, 25)  # 24/11


def test_deadlines_by_kind_and_processor():
    received = datetime.date(2026, 3, 2)
    assert request_deadlines("access", received) == (
        datetime.date(2026, 3, 4),
        datetime.date(2026, 3, 12),
    )
    assert request_deadlines("deletion", received)[1] == datetime.date(2026, 3, 22)
    assert request_deadlines("deletion", received, processor_involved=True)[1] == datetime.date(
        2026, 4, 1
    )


def ask_link(client, email):
    return client.post(reverse("customers:my_data"), {"email": email})


def link_from(message):
    return re.search(r"https?://[^/]+(/my-data/open/\S+/)", message.body).group(1)


def test_same_answer_for_known_and_unknown_emails(
    client, seeded, django_capture_on_commit_callbacks
):
    CustomerFactory(email="co.that@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        known = ask_link(client, "co.that@example.vn")
        unknown = ask_link(client, "khong.co@example.vn")
    strip = lambda r: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())  # noqa: E731
    assert known.status_code == unknown.status_code == 302  # redirect after the POST
    assert known["Location"] == unknown["Location"]
    assert strip(client.get(known["Location"])) == strip(client.get(unknown["Location"]))
    assert [m.to for m in mail.outbox] == [["co.that@example.vn"]]

    # Similar timing: the known path only adds an outbox row (the email goes by Celery).
    def median(email):
        samples = []
        for _ in range(9):
            start = time.perf_counter()
            ask_link(client, email)
            samples.append(time.perf_counter() - start)
        return statistics.median(samples)

    assert abs(median("co.that@example.vn") - median("khong.co@example.vn")) < 0.05


def test_link_opens_once_shows_everything_and_downloads_a_copy(
    client, seeded, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(
        email="an@example.vn", full_name="Vũ Thị An", phone_mobile="0977 123 456"
    )
    ServiceFactory(customer=customer, product="Máy chủ ảo")
    AccountingDocumentFactory(customer=customer, number="HD0000042")
    with django_capture_on_commit_callbacks(execute=True):
        ask_link(client, "an@example.vn")
    path = link_from(mail.outbox[0])
    # Opening the link shows a button and spends nothing; the button opens the page.
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response["Location"] == reverse("customers:my_data_overview")
    html = client.get(reverse("customers:my_data_overview")).content.decode()
    for text in ["Vũ Thị An", "0977 123 456", "Máy chủ ảo", "HD0000042"]:
        assert text in html
    copy = json.loads(client.get(reverse("customers:my_data_json")).content)
    assert copy["profile"]["email"] == "an@example.vn"
    assert copy["services"][0]["product"] == "Máy chủ ảo"
    assert copy["accounting_documents"][0]["number"] == "HD0000042"
    # The link was spent: opening it again (or a forwarded copy) shows no data.
    from django.test import Client

    again = Client().get(path)
    assert again.status_code == 400
    assert "Vũ Thị An" not in again.content.decode()


def test_tampered_or_expired_link_shows_no_data(client, seeded, django_capture_on_commit_callbacks):
    customer = CustomerFactory(email="an@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        ask_link(client, "an@example.vn")
    path = link_from(mail.outbox[0])
    assert client.get(path[:-4] + "abc/").status_code == 400
    with time_machine.travel(datetime.datetime.now() + datetime.timedelta(hours=25)):
        response = client.get(path)
    assert response.status_code == 400
    assert "hết hạn" in response.content.decode()
    assert client.get(reverse("customers:my_data_overview")).status_code == 403
    assert (
        customer.full_name not in client.get(reverse("customers:my_data_overview")).content.decode()
    )


def signed_in(client, customer):
    from customers.requests import my_data

    client.cookies[my_data.COOKIE] = client.cookies.get(my_data.COOKIE, "")
    response = client.post(reverse("customers:my_data_open", args=[my_data.link_token(customer)]))
    assert response.status_code == 302
    return client


def test_correction_goes_to_staff_as_a_diff_and_is_applied_with_history(
    client, seeded, staff_user, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(email="an@example.vn", phone_mobile="0977 123 456")
    signed_in(client, customer)
    bad = client.post(
        reverse("customers:my_data_correct"),
        {"full_name": customer.full_name, "email": "an@example.vn", "phone_mobile": "123"},
    )
    assert "Số điện thoại không hợp lệ" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("customers:my_data_correct"),
            {
                "full_name": customer.full_name,
                "email": "an@example.vn",
                "phone_mobile": "0988 000 111",
                "address_home": customer.address_home,
            },
        )
    request = DataRequest.objects.get()
    assert request.kind == "correction"
    assert json.loads(request.proposed_changes) == {"phone_mobile": "0988 000 111"}
    assert "YC-" in mail.outbox[-1].subject  # acknowledged with the reference

    care = staff_user(role=Role.CUSTOMER_CARE.value, username="cskh")
    request_apply_correction(request=request, actor=care)
    customer.refresh_from_db()
    assert customer.phone_mobile == "0988 000 111"
    assert CustomerChange.objects.filter(customer=customer, reason=request.reference).exists()
    # Ends *applied* (issue 28), and keeps the old value for good: not "new → new".
    request = DataRequest.objects.get()
    assert request.status == "applied"
    label = correction_pairs(request)[0][0]
    assert correction_pairs(request) == [(label, "0977 123 456", "0988 000 111")]


def test_complaint_about_a_leak_flags_an_incident_and_limits_attachments(client, seeded):
    customer = CustomerFactory()
    signed_in(client, customer)
    too_big = SimpleUploadedFile("leak.pdf", b"%PDF" + b"0" * (5 * 1024 * 1024), "application/pdf")
    response = client.post(
        reverse("customers:my_data_complain"),
        {"category": "leak", "details": "Tôi nhận cuộc gọi lạ", "attachment": too_big},
    )
    assert "lớn hơn 5 MB" in response.content.decode()
    exe = SimpleUploadedFile("leak.exe", b"MZ...", "application/octet-stream")
    response = client.post(
        reverse("customers:my_data_complain"),
        {"category": "leak", "details": "Tôi nhận cuộc gọi lạ", "attachment": exe},
    )
    assert "Chỉ đính kèm được tệp PDF, JPG hoặc PNG." in response.content.decode()
    assert "Tôi nhận cuộc gọi lạ" in response.content.decode()  # what was typed is kept
    proof = SimpleUploadedFile("leak.png", b"\x89PNG\r\n\x1a\n....", "image/png")
    client.post(
        reverse("customers:my_data_complain"),
        {"category": "leak", "details": "Tôi nhận cuộc gọi lạ", "attachment": proof},
    )
    request = DataRequest.objects.get()
    assert request.incident_needed and request.attachment


def test_closing_a_complaint_needs_reason_and_remedy_and_one_extension_only(
    seeded, staff_user, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(email="an@example.vn")
    dpo = staff_user(role=Role.DPO.value)
    request = request_open(customer=customer, kind="complaint", details="...")
    with pytest.raises(RequestError):
        request_transition(request=request, actor=dpo, to_status="answered")
    with django_capture_on_commit_callbacks(execute=True):
        request_extend(request=request, actor=dpo, reason="Cần xác minh với bên xử lý email")
    assert "Cần xác minh" in mail.outbox[-1].body
    with pytest.raises(RequestError):
        request_extend(request=request, actor=dpo, reason="lần hai")
    with django_capture_on_commit_callbacks(execute=True):
        request_transition(
            request=request,
            actor=dpo,
            to_status="answered",
            reason="Nhân viên gửi nhầm",
            remedy="Đã xóa khỏi danh sách gửi",
        )
    assert "Đã xóa khỏi danh sách gửi" in mail.outbox[-1].body
    request.refresh_from_db()
    assert [e.to_status for e in request.events.all()] == ["received", "extended", "answered"]


def test_suspended_email_channel_sends_no_link_and_holds_requests(
    client, seeded, staff_user, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(email="an@example.vn")
    customer_suspend_email(
        customer=customer,
        actor=staff_user(role=Role.CUSTOMER_CARE.value),
        reason="Nghi ngờ chiếm đoạt hộp thư",
    )
    with django_capture_on_commit_callbacks(execute=True):
        ask_link(client, "an@example.vn")
    assert mail.outbox == []
    customer.refresh_from_db()
    assert request_open(customer=customer, kind="deletion").status == "held"


def test_staff_view_appears_in_the_customers_access_list(client, seeded, staff_user):
    customer = CustomerFactory()
    from django.test import Client

    staff = login_staff(Client(), staff_user(role=Role.CUSTOMER_CARE.value, username="cskh"))
    staff.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    signed_in(client, customer)
    html = client.get(reverse("customers:my_data_overview")).content.decode()
    assert "Chăm sóc khách hàng" in html and "cskh" not in html  # the team, not the login
    assert AccessLogEntry.objects.filter(actor_label="customer (self)").exists()


def test_copy_query_count_does_not_grow_with_rows(seeded, django_assert_max_num_queries):
    from customers.requests.data_copy import customer_copy

    customer = CustomerFactory()
    for _ in range(5):
        ServiceFactory(customer=customer)
        AccountingDocumentFactory(customer=customer)
    with django_assert_max_num_queries(12):
        customer_copy(customer)


def test_staff_handle_view_rejects_without_reason_with_a_clear_message(client, seeded, staff_user):
    customer = CustomerFactory()
    request = request_open(customer=customer, kind="deletion")
    login_staff(client, staff_user(role=Role.DPO.value))
    url = reverse("admin:customers_datarequest_handle", args=[request.pk])
    # Refusing a deletion is the data-protection role's decision (issue 28).
    response = client.post(url, {"action": "rejected", "ground": "legal_hold"}, follow=True)
    assert "Hãy nêu lý do và biện pháp khắc phục" in response.content.decode()
    assert DataRequest.objects.get().status == "received"
