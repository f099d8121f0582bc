"""Requests from any channel (issue 28 §4) and the customer's side after them (§7): staff
record a request made by phone, email, letter or in person, with how they verified who
asked; it gets the same reference, clocks and answers as a web request, through the channel
the customer has."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from customers.core.roles import Role
from customers.models import Customer, DataRequest, ErasureCertificate, Message
from customers.requests.deadlines import request_deadlines
from customers.requests.services import RequestError, request_file, request_open
from customers.retention.farewell import certificate_reference
from demo.factories import CustomerFactory
from tests.conftest import login_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    settings.MY_DATA_RATE_LIMIT = "1000/m"
    settings.MY_DATA_RECIPIENT_RATE_LIMIT = "1000/m"


def phone_only_customer():
    return CustomerFactory(
        email="",
        phone_mobile="0912 345 678",
        source=Customer.Source.PHONE,
        full_name="Ngô Văn Khôi",
    )


def test_a_phone_only_customer_asks_for_deletion_by_phone_and_is_erased(
    seeded, staff_user, django_capture_on_commit_callbacks
):
    customer = phone_only_customer()
    care = login_staff(Client(), staff_user(Role.CUSTOMER_CARE, username="cskh"))
    assert care.get(reverse("admin:customers_datarequest_add")).status_code == 200

    # 1. Customer care record the call: the channel and the call-back to the number on file.
    with django_capture_on_commit_callbacks(execute=True):
        response = care.post(
            reverse("admin:customers_datarequest_add"),
            {
                "customer": customer.pk,
                "kind": DataRequest.Kind.DELETION,
                "channel": DataRequest.Channel.PHONE,
                "identity_check": DataRequest.IdentityCheck.CALL_BACK,
                "details": "Khách gọi điện yêu cầu xóa toàn bộ dữ liệu",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    request = DataRequest.objects.get(customer=customer)

    # 2. The same reference and clock as a web request; identity checked at intake.
    assert request.reference.startswith("YC-")
    assert (request.channel, request.identity_check) == ("phone", "call_back")
    assert request.status == DataRequest.Status.VERIFIED
    today = timezone.localdate()
    assert (request.acknowledge_by, request.due_on) == request_deadlines("deletion", today)
    first = request.events.get()
    assert first.actor_label == "cskh" and "gọi lại số điện thoại đã đăng ký" in first.note

    # 3. The acknowledgement goes by SMS, the channel the customer has (the outbox row).
    sms = Message.objects.get(customer=customer, template="request_received")
    assert (sms.channel, sms.recipient) == (Message.Channel.SMS, "0912 345 678")
    assert "reference" in sms.context and request.reference in sms.context

    # 4. The data-protection role erases; the banner says so in words.
    dpo = login_staff(Client(), staff_user(Role.DPO, username="dpo"))
    with django_capture_on_commit_callbacks(execute=True):
        response = dpo.post(
            reverse("admin:customers_datarequest_handle", args=[request.pk]),
            {"action": "erase"},
            follow=True,
        )
    customer.refresh_from_db()
    request.refresh_from_db()
    assert customer.is_erased and request.status == DataRequest.Status.ERASED
    certificate = ErasureCertificate.objects.get(customer=customer)
    assert request.certificate == certificate
    reference = certificate_reference(customer.pk, certificate.erased_at)
    assert f"Đã xóa dữ liệu của khách hàng #{customer.pk}; chứng nhận {reference}" in (
        response.content.decode()
    )

    # 5. The certificate names the channel the request came through (no personal data).
    assert request.reference in certificate.reason and "phone" in certificate.reason

    # 6. The last message reaches the phone too.
    farewell = Message.objects.get(template="erasure_done")
    assert farewell.channel == Message.Channel.SMS and farewell.customer is None
    assert reference in farewell.context


def test_intake_needs_a_channel_and_an_identity_check(seeded, staff_user):
    customer = phone_only_customer()
    care = staff_user(Role.CUSTOMER_CARE)
    with pytest.raises(RequestError):
        request_file(
            actor=care, customer=customer, kind="access", channel="web", identity_check="link"
        )
    with pytest.raises(RequestError):
        request_file(
            actor=care, customer=customer, kind="access", channel="phone", identity_check=""
        )
    assert not DataRequest.objects.exists()


@pytest.mark.parametrize("role", [Role.BOARD, Role.SALES, Role.TECH_SUPPORT, Role.ACCOUNTING])
def test_roles_that_do_not_handle_requests_cannot_add_one(role, seeded, client, staff_user):
    login_staff(client, staff_user(role))
    assert client.get(reverse("admin:customers_datarequest_add")).status_code == 403


def test_an_emailed_complaint_gets_a_reference_and_a_deadline(
    seeded, staff_user, django_capture_on_commit_callbacks
):
    from django.core import mail

    customer = CustomerFactory(email="lan@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        request = request_file(
            actor=staff_user(Role.DPO),
            customer=customer,
            kind="complaint",
            channel="email",
            identity_check="email_reply",
            details="Tôi nhận quảng cáo dù đã từ chối",
            complaint_category="marketing",
        )
    assert request.due_on > timezone.localdate()
    assert request.reference in mail.outbox[-1].subject


def test_an_empty_objection_is_refused_with_a_clear_error(seeded, client):
    from tests.customers.test_requests import signed_in

    customer = CustomerFactory()
    signed_in(client, customer)
    response = client.post(reverse("customers:my_data_object"), {"details": "  "})
    assert "yêu cầu phản đối để trống" in response.content.decode()
    assert not DataRequest.objects.exists()
    with pytest.raises(RequestError):
        request_open(customer=customer, kind="objection", details="")


def test_after_erasure_the_open_page_shows_the_last_message(seeded, client, staff_user):
    from customers.requests.services import request_move
    from tests.customers.test_requests import signed_in

    customer = CustomerFactory()
    signed_in(client, customer)
    request = request_open(customer=customer, kind="deletion")
    request_move(request=request, actor=staff_user(Role.DPO), action="erase")
    certificate = ErasureCertificate.objects.get(customer=customer)
    response = client.get(reverse("customers:my_data_overview"))
    body = response.content.decode()
    assert response.status_code == 200
    assert certificate_reference(customer.pk, certificate.erased_at) in body
    assert "hết hạn" not in body
    assert customer.full_name not in body


def test_a_correction_by_phone_is_applied_and_keeps_the_old_value(seeded, staff_user):
    """The issue's own example: "0912 345 678 → 0912 345 678" once applied."""
    from customers.core.labels import correction_pairs
    from customers.requests.services import request_move

    customer = phone_only_customer()
    care = login_staff(Client(), staff_user(Role.CUSTOMER_CARE, username="cskh"))
    form = {
        "customer": customer.pk,
        "kind": DataRequest.Kind.CORRECTION,
        "channel": DataRequest.Channel.PHONE,
        "identity_check": DataRequest.IdentityCheck.CALL_BACK,
        "correct_field": "phone_mobile",
    }
    bad = care.post(reverse("admin:customers_datarequest_add"), {**form, "correct_value": "12"})
    assert bad.status_code == 200 and not DataRequest.objects.exists()
    care.post(reverse("admin:customers_datarequest_add"), {**form, "correct_value": "0988000111"})
    request = DataRequest.objects.get()
    request = request_move(
        request=request, actor=staff_user(Role.CUSTOMER_CARE), action="apply_correction"
    )
    customer.refresh_from_db()
    assert request.status == DataRequest.Status.APPLIED
    ((_label, old, new),) = correction_pairs(request)
    assert (old, new) == ("0912 345 678", customer.phone_mobile) and old != new


def test_the_customer_page_leads_to_the_intake_form_without_showing_the_name(
    seeded, client, staff_user
):
    customer = phone_only_customer()
    login_staff(client, staff_user(Role.CUSTOMER_CARE))
    page = client.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    add = reverse("admin:customers_datarequest_add")
    assert f"{add}?customer={customer.pk}" in page.content.decode()
    form = client.get(add, {"customer": customer.pk}).content.decode()
    assert f'value="{customer.pk}"' in form and customer.full_name not in form
