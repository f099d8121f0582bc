"""The web forms: what a customer sends is stored once, confirmed by email, and bad input is
answered in Vietnamese with everything typed kept."""

import re

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.urls import reverse

from customers.consents.models import ConsentEvent, ConsentState
from customers.models import Customer, CustomerChange, Submission

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "kind": "individual",
    "full_name": "Nguyễn Thị Hoa",
    "email": "hoa.nguyen@example.vn",
    "phone_mobile": "0912 345 678",
    "address_home": "45 Trần Hưng Đạo, Quận 1, TP. Hồ Chí Minh",
}


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.FORM_RATE_LIMIT = settings.FORM_POST_RATE_LIMIT = "1000/m"


def submit(client, url, data, **extra):
    """Post a form, then do what the worker does within seconds (beat's 5-second run), with
    what that commits (the confirmation email) sent at once."""
    from customers.records.submissions import submissions_process_pending

    response = client.post(url, data, **extra)
    with TestCase.captureOnCommitCallbacks(execute=True):
        submissions_process_pending()
    return response


def register(client, **changes):
    data = {**REGISTRATION, **changes}
    return submit(client, reverse("customers:register"), data, REMOTE_ADDR="203.0.113.7")


def confirmation_link(message):
    return re.search(r"https?://\S+/confirm/\S+/", message.body).group(0)


def test_registration_stores_customer_submission_and_only_ticked_consents(client, seeded):
    response = register(client, purpose_marketing_email="on")
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:register_done")

    customer = Customer.objects.get()
    assert customer.full_name == "Nguyễn Thị Hoa"
    assert customer.phone_mobile == "0912 345 678"
    assert customer.source == Customer.Source.WEB_FORM
    assert customer.contact_confirmed_at is None

    submission = Submission.objects.get()
    assert submission.customer == customer
    assert submission.ip_address == "203.0.113.7"
    assert submission.policy_version.number == 1
    assert "hoa.nguyen@example.vn" in submission.data

    event = ConsentEvent.objects.get()
    assert event.purpose.code == "marketing_email"
    assert event.channel == ConsentEvent.Channel.WEB_FORM
    assert event.wording.startswith("Tôi đồng ý nhận email")
    assert event.ip_address == "203.0.113.7"
    assert ConsentState.objects.get().granted is True


def test_form_offers_each_optional_purpose_unticked_next_to_the_policy_link(client, seeded):
    html = client.get(reverse("customers:register")).content.decode()
    boxes = re.findall(r'<input type="checkbox" name="purpose_(\w+)"[^>]*>', html)
    assert set(boxes) == {
        "marketing_email",
        "marketing_sms",
        "marketing_phone",
        "surveys",
        "partner_sharing",
        "reference",
    }
    assert not re.search(r'name="purpose_\w+"[^>]*checked', html)
    assert f'href="{reverse("consents:privacy")}"' in html


def test_form_works_with_every_optional_box_unticked(client, seeded):
    assert register(client).status_code == 302
    assert Customer.objects.count() == 1
    assert not ConsentEvent.objects.exists()


def test_registration_sends_a_confirmation_link_that_confirms_once(
    client, seeded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["hoa.nguyen@example.vn"]
    assert "Nguyễn Thị Hoa" in message.body
    link = confirmation_link(message)
    path = link.split("127.0.0.1:8000", 1)[1]

    assert client.get(path).status_code == 200
    assert Customer.objects.get().contact_confirmed_at is None  # GET confirms nothing
    response = client.post(path)
    assert response.status_code == 302  # redirect after the POST
    assert "Cảm ơn" in client.get(response["Location"]).content.decode()
    confirmed_at = Customer.objects.get().contact_confirmed_at
    assert confirmed_at is not None
    repeat = client.post(path)  # a repeat is harmless, and says the link was used
    assert repeat.status_code == 200 and "đã được xác nhận lúc" in repeat.content.decode()
    assert Customer.objects.get().contact_confirmed_at == confirmed_at


def test_expired_or_tampered_confirmation_link_is_refused_clearly(
    client, seeded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client)
    path = confirmation_link(mail.outbox[0]).split("127.0.0.1:8000", 1)[1]
    response = client.post(path[:-3] + "xx/")
    assert response.status_code == 400
    assert "Liên kết không hợp lệ" in response.content.decode()
    with time_machine.travel("2027-01-01"):
        response = client.post(path)
    assert response.status_code == 400
    assert "Liên kết đã hết hạn" in response.content.decode()
    assert Customer.objects.get().contact_confirmed_at is None


def test_second_registration_with_same_email_merges_once_confirmed_and_keeps_old_values(
    client, seeded
):
    from customers.records.pending import pending_change_confirm, pending_token

    business = {
        "kind": "business",
        "business_name": "Công ty TNHH Sao Mai",
        "tax_code": "0312345673",
    }
    register(client, **business, contact_person="Nguyễn Thị Hoa")
    register(client, **business, email="HOA.NGUYEN@example.vn", phone_mobile="0987 654 321")
    customer = Customer.objects.get()
    assert customer.phone_mobile == "0912 345 678"  # nothing changes before the confirmation
    pending_change_confirm(token=pending_token(customer.pending_changes.get()))
    customer.refresh_from_db()
    assert customer.phone_mobile == "0987 654 321"
    assert customer.contact_person == "Nguyễn Thị Hoa"  # a blank keeps the known value
    assert Submission.objects.filter(customer=customer).count() == 2
    change = CustomerChange.objects.filter(fields=["phone_mobile"]).get()
    assert "0912 345 678" in change.diff  # the old value, kept (encrypted) in the history


def test_invalid_input_is_explained_in_vietnamese_and_every_value_is_kept(client, seeded):
    response = register(
        client,
        kind="business",
        business_name="Công ty <b>Sao Mai</b>",
        tax_code="0312345674",
        phone_mobile="12345",
        email="not-an-email",
        purpose_surveys="on",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mã số thuế không hợp lệ: chữ số kiểm tra bị sai." in html
    assert "Số điện thoại không hợp lệ." in html
    assert "Nhập một địa chỉ email hợp lệ." in html
    assert 'value="Công ty &lt;b&gt;Sao Mai&lt;/b&gt;"' in html
    assert 'value="0312345674"' in html
    assert re.search(r'name="purpose_surveys"[^>]*checked', html)
    assert not Customer.objects.exists()
    assert not ConsentEvent.objects.exists()


def test_business_registration_needs_name_and_tax_code(client, seeded):
    response = register(client, kind="business")
    html = response.content.decode()
    # Under each field and again in the summary at the top, whose links lead to them.
    assert html.count("Bắt buộc khi đăng ký cho doanh nghiệp.") == 4
    assert (
        register(
            client, kind="business", business_name="Công ty TNHH Sao Mai", tax_code="0100109106-506"
        ).status_code
        == 302
    )
    customer = Customer.objects.get()
    assert customer.tax_code == "0100109106-506"
    assert customer.address_office == REGISTRATION["address_home"]


def test_control_characters_and_overlong_names_are_refused(client, seeded):
    response = register(client, full_name="Nguyễn\x07Hoa")
    assert "ký tự điều khiển" in response.content.decode()
    response = register(client, full_name="A" * 201)
    assert response.status_code == 200
    assert not Customer.objects.exists()


def test_foreign_phone_with_country_code_is_accepted(client, seeded):
    assert register(client, phone_mobile="+33 6 12 34 56 78").status_code == 302
    assert Customer.objects.get().phone_mobile == "+33 6 12 34 56 78"


def test_honeypot_submission_looks_accepted_but_stores_nothing(client, seeded):
    response = register(client, website="http://spam.example")
    assert response.status_code == 302
    assert not Customer.objects.exists()


def test_double_submission_of_one_rendered_form_is_stored_once(client, seeded):
    html = client.get(reverse("customers:register")).content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', html).group(1)
    register(client, submission_key=key)
    register(client, submission_key=key)
    assert Submission.objects.count() == 1


def test_too_many_submissions_from_one_address_get_a_clear_429(client, seeded, settings):
    settings.FORM_RATE_LIMIT = "2/m"
    register(client)
    register(client, email="b@example.vn")
    response = register(client, email="c@example.vn")
    assert response.status_code == 429
    assert "Quá nhiều yêu cầu" in response.content.decode()
    assert Customer.objects.count() == 2


def test_service_request_records_notes_options_and_phones(client, seeded):
    response = submit(
        client,
        reverse("customers:service_request"),
        {
            "full_name": "Lê Văn Tám",
            "address_home": "8 Nguyễn Huệ, Huế",
            "email": "tam.le@example.vn",
            "phone_mobile": "0905111222",
            "phone_office": "0234 3822 123",
            "services": ["cctv", "maintenance"],
            "notes": "Lắp 4 camera\ncho cửa hàng",
        },
    )
    assert response.status_code == 302
    customer = Customer.objects.get()
    assert customer.phone_office == "0234 3822 123"
    assert customer.notes.startswith("[")
    assert "Lắp 4 camera\ncho cửa hàng" in customer.notes
    assert Submission.objects.get().form == Submission.Form.SERVICE_REQUEST


def test_html_in_a_name_is_escaped_in_the_confirmation_email(
    client, seeded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, full_name="<script>alert(1)</script>")
    html_body = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html_body
    assert "&lt;script&gt;" in html_body


def test_the_request_only_stores_the_form_and_a_worker_processes_it_once(client, seeded):
    """The customer waits for one INSERT; the worker's run (beat, every 5 s) finds or
    creates the customer. A submission that fails is recorded and does not block others."""
    from customers.records.submissions import submission_process, submissions_process_pending

    response = client.post(reverse("customers:register"), REGISTRATION)
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.customer is None and submission.processed_at is None
    with connection.cursor() as cursor:  # encrypted at rest, like the rest
        cursor.execute("SELECT pending FROM customers_submission")
        assert "hoa.nguyen" not in cursor.fetchone()[0]
    assert not Customer.objects.exists()
    broken = Submission.objects.create(form="register", data="{}", language="vi", pending="{")

    assert submissions_process_pending() == 1
    submission.refresh_from_db()
    customer = Customer.objects.get()
    assert submission.customer == customer and submission.pending == ""
    assert customer.email == "hoa.nguyen@example.vn"
    broken.refresh_from_db()
    assert broken.processed_at is None and broken.problem == "JSONDecodeError"
    assert submission_process(submission_id=submission.pk) is None  # a repeat does nothing
    assert submissions_process_pending() == 0 and Customer.objects.count() == 1


def test_plain_text_emails_show_what_was_typed_not_html_entities(
    client, seeded, django_capture_on_commit_callbacks
):
    """The text part and the subject are not HTML: an apostrophe or an ampersand in a name
    reads as typed there (the HTML part escapes it)."""
    with django_capture_on_commit_callbacks(execute=True):
        register(client, full_name="Lê & O'Brien", purpose_marketing_email="on")
    [email] = mail.outbox
    assert "Lê & O'Brien" in email.body
    assert "&amp;" not in email.body and "&#x27;" not in email.body
    assert "company&#x27;s" not in email.body
    assert "Lê &amp; O&#x27;Brien" in email.alternatives[0][0]


def test_an_english_customers_links_open_the_english_pages(client, seeded):
    """Links are built by the worker, whose own language is Vietnamese: those in a message
    to someone who registered in English open the English pages (confirm, change, choices)."""
    from django.utils import translation

    from customers.records.submissions import submissions_process_pending

    def worker_run():
        with translation.override("vi"), TestCase.captureOnCommitCallbacks(execute=True):
            submissions_process_pending()

    client.post("/en/register/", REGISTRATION, REMOTE_ADDR="203.0.113.7")
    worker_run()
    client.post("/en/register/", {**REGISTRATION, "phone_mobile": "0913 999 888"})
    worker_run()
    confirmation, change = mail.outbox
    assert "/en/confirm/" in confirmation.body and "/en/preferences/" in confirmation.body
    assert "/en/confirm-change/" in change.body and "/en/preferences/" in change.body
