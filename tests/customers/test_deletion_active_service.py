"""Deletion with an active service (issue 28 §2): the customer is told that deleting ends the
service and confirms by the link; what the contract does not need goes at once; the blocker
is explained to staff; nothing is refused automatically."""

import json
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from customers.consents.models import ConsentState, Purpose
from customers.consents.services.ledger import consent_grant
from customers.core.roles import Role
from customers.models import DataRequest, Message, Service
from customers.requests.services import RequestError, request_move, request_open
from demo.factories import CustomerFactory, ServiceFactory

pytestmark = pytest.mark.django_db
S = DataRequest.Status


def test_the_customer_confirms_that_deleting_ends_the_service_then_is_erased(
    seeded, staff_user, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(email="hoa@example.vn", phone_home="024 3811 1101")
    ServiceFactory(customer=customer, product="Máy chủ ảo", status=Service.Status.ACTIVE)
    marketing = Purpose.objects.filter(legal_basis=Purpose.LegalBasis.CONSENT).first()
    consent_grant(customer=customer, purpose=marketing, channel="web_form")
    request = request_open(customer=customer, kind="deletion")
    dpo, care = staff_user(Role.DPO), staff_user(Role.CUSTOMER_CARE)

    # Erasing now is blocked: staff are told why; the request is not refused.
    with pytest.raises(RequestError, match="dịch vụ đang hoạt động"):
        request_move(request=request, actor=dpo, action="erase")
    request.refresh_from_db()
    assert request.status == S.RECEIVED and request.decided_by is None

    # Asking: what the contract does not need goes at once; the customer gets the link.
    with django_capture_on_commit_callbacks(execute=True):
        request_move(request=request, actor=care, action="ask_confirmation")
    request.refresh_from_db()
    customer.refresh_from_db()
    assert request.status == S.CONFIRMING
    assert customer.phone_home == "" and customer.full_name
    assert not ConsentState.objects.filter(customer=customer, granted=True).exists()
    message = Message.objects.get(customer=customer, template="deletion_confirm")
    assert "Máy chủ ảo" in json.loads(message.context)["services"]
    (body,) = [m.body for m in mail.outbox if "/my-data/confirm-deletion/" in m.body]
    assert "chấm dứt dịch vụ" in body
    link = re.search(r"https?://[^/\s]+(/my-data/confirm-deletion/\S+/)", body).group(1)

    # Staff cannot confirm in the customer's place.
    with pytest.raises(RequestError):
        request_move(request=request, actor=dpo, action="confirmed")

    # The customer confirms by the link: the service ends, the request goes back to staff.
    browser = Client()
    page = browser.get(link)
    assert page.status_code == 200 and "Máy chủ ảo" in page.content.decode()
    response = browser.post(link)
    assert response.status_code == 302
    assert "Cảm ơn bạn" in browser.get(response["Location"]).content.decode()
    request.refresh_from_db()
    assert request.status == S.IN_PROGRESS
    assert not Service.objects.filter(customer=customer, status=Service.Status.ACTIVE).exists()
    assert browser.get(link).status_code == 400  # a link confirms once

    request = request_move(request=request, actor=dpo, action="erase")
    assert request.status == S.ERASED and request.certificate is not None


def test_asking_needs_an_active_service(seeded, staff_user):
    request = request_open(customer=CustomerFactory(), kind="deletion")
    with pytest.raises(RequestError):
        request_move(request=request, actor=staff_user(Role.DPO), action="ask_confirmation")
    request.refresh_from_db()
    assert request.status == S.RECEIVED


def test_a_tampered_link_confirms_nothing(client, seeded):
    response = client.post(reverse("customers:my_data_confirm_deletion", args=["abc"]))
    assert response.status_code == 400
