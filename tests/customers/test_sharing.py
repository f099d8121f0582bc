"""Sharing, legal disclosures, incidents and customer communications."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from customers.consents.models import Purpose
from customers.consents.services.ledger import consent_grant, consent_withdraw
from customers.core.roles import Role
from customers.incidents import services as incidents
from customers.messaging import limits
from customers.models import (
    CallTask,
    Campaign,
    Incident,
    LegalDisclosureRequest,
    Message,
    Recipient,
)
from customers.outreach import services as communications
from customers.records.services import customer_suspend_email
from customers.retention.erasure import customer_erase
from customers.sharing import services as disclosures
from demo.factories import CustomerFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def grant(customer, code):
    consent_grant(customer=customer, purpose=Purpose.objects.get(code=code), channel="web_form")


def test_partner_sharing_needs_current_consent(seeded, staff_user):
    partner = Recipient.objects.create(
        name="Đối tác A", kind="partner", purpose="Giới thiệu", data_categories="họ tên, email"
    )
    customer = CustomerFactory()
    dpo = staff_user(role=Role.DPO.value)  # the role that records sharings
    with pytest.raises(disclosures.DisclosureRefused):
        disclosures.disclosure_record(
            recipient=partner,
            customer_ids=[customer.pk],
            fields=["full_name", "email"],
            legal_basis="consent",
            actor=dpo,
        )
    grant(customer, "partner_sharing")
    record = disclosures.disclosure_record(
        recipient=partner,
        customer_ids=[customer.pk],
        fields=["full_name", "email"],
        legal_basis="consent",
        actor=dpo,
    )
    assert record.customer_ids == [customer.pk]
    # Ticked on the public form by whoever typed the address: not until it is confirmed.
    typed_in = CustomerFactory(contact_confirmed_at=None)
    grant(typed_in, "partner_sharing")
    with pytest.raises(disclosures.DisclosureRefused):
        disclosures.disclosure_record(
            recipient=partner,
            customer_ids=[typed_in.pk],
            fields=["full_name", "email"],
            legal_basis="consent",
            actor=dpo,
        )
    consent_withdraw(
        customer=customer,
        purpose=Purpose.objects.get(code="partner_sharing"),
        channel="preferences",
    )
    with pytest.raises(disclosures.DisclosureRefused):
        disclosures.disclosure_record(
            recipient=partner,
            customer_ids=[customer.pk],
            fields=["email"],
            legal_basis="consent",
            actor=dpo,
        )


def legal_request(customer):
    return LegalDisclosureRequest.objects.create(
        authority="police",
        authority_name="Công an quận 1 — Đại úy Nguyễn B",
        document_reference="123/CV-CAQ1",
        legal_basis_cited="Luật 91/2025 Điều 17(1)(đ)",
        data_requested="Họ tên, số điện thoại",
        deadline=timezone.localdate(),
        customer_ids=[customer.pk],
        document=SimpleUploadedFile("cv.pdf", b"%PDF-1.4", "application/pdf"),
    )


def test_legal_disclosure_with_objection_window_and_court_outcome(
    seeded, staff_user, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(email="an@example.vn")
    dpo = staff_user(role=Role.DPO.value)
    request = legal_request(customer)
    with django_capture_on_commit_callbacks(execute=True):
        request = disclosures.legal_request_decide(
            request=request,
            actor=dpo,
            may_notify=True,
            reason="Không có yêu cầu giữ bí mật",
            objection_days=7,
        )
    assert "123/CV-CAQ1" in mail.outbox[0].body
    with pytest.raises(disclosures.DisclosureRefused):
        disclosures.legal_request_disclose(
            request=request, actor=dpo, fields=["full_name"], form="văn bản"
        )
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        request = disclosures.legal_request_disclose(
            request=request, actor=dpo, fields=["full_name", "phone_mobile"], form="văn bản giấy"
        )
    assert request.status == "disclosed" and request.disclosed_fields == [
        "full_name",
        "phone_mobile",
    ]

    objecting = legal_request(CustomerFactory())
    disclosures.legal_request_decide(request=objecting, actor=dpo, may_notify=True, reason="x")
    assert (
        disclosures.legal_request_objection(
            request=objecting, actor=dpo, upheld_by_court=None
        ).status
        == "postponed"
    )
    assert (
        disclosures.legal_request_objection(
            request=objecting, actor=dpo, upheld_by_court=True
        ).status
        == "stopped"
    )
    with pytest.raises(disclosures.DisclosureRefused):
        disclosures.legal_request_disclose(request=objecting, actor=dpo, fields=[], form="x")


def test_gagged_request_tells_nobody_and_is_ready_at_once(
    seeded, staff_user, django_capture_on_commit_callbacks
):
    request = legal_request(CustomerFactory())
    with django_capture_on_commit_callbacks(execute=True):
        request = disclosures.legal_request_decide(
            request=request,
            actor=staff_user(role=Role.DPO.value),
            may_notify=False,
            reason="Điều tra hình sự: không được thông báo",
        )
    assert request.status == "ready" and mail.outbox == []


def test_incident_clock_alarms_once_each_and_late_notice_needs_a_reason(seeded, staff_user):
    dpo = staff_user(role=Role.DPO.value)
    dpo.email = "dpo@antam.example.vn"
    dpo.save()
    detected = timezone.now()
    incident = Incident.objects.create(
        detected_at=detected,
        description='Lộ bảng tính khách hàng & mật khẩu của "admin"',
        data_categories="email, điện thoại",
        volume=120,
    )
    for hours, expected in [
        (23, []),
        (25, ["24h"]),
        (26, []),
        (49, ["48h"]),
        (67, ["66h"]),
        (73, ["overdue"]),
        (80, []),
    ]:
        with time_machine.travel(detected + datetime.timedelta(hours=hours)):
            raised = [alarm for _id, alarm in incidents.incident_alarms()]
        assert raised == expected, hours
    assert len(mail.outbox) == 4
    with time_machine.travel(detected + datetime.timedelta(hours=80)):
        with pytest.raises(ValueError):
            incidents.incident_notify_authority(incident=incident, actor=dpo)
        incident.late_notice_reason = "Chờ kết quả điều tra nội bộ"
        incident.save()
        notice = incidents.incident_notify_authority(incident=incident, actor=dpo)
    assert "Mẫu số 08" in notice.content and "Chờ kết quả điều tra nội bộ" in notice.content
    # A text for the authority: what was typed, not HTML entities.
    assert 'Lộ bảng tính khách hàng & mật khẩu của "admin"' in notice.content
    follow_up = incidents.incident_notify_authority(incident=incident, actor=dpo)
    assert follow_up.follow_up


def test_leak_complaint_opens_a_draft_incident(seeded):
    from customers.requests.services import request_open

    request = request_open(
        customer=CustomerFactory(),
        kind="complaint",
        complaint_category="leak",
        details="Tôi bị gọi điện lừa đảo",
    )
    assert Incident.objects.get().source_request == request


def test_campaign_skips_withdrawn_suspended_and_erased_and_respects_the_daily_cap(
    seeded, staff_user, django_capture_on_commit_callbacks
):
    purpose = Purpose.objects.get(code="marketing_email")
    ok, withdrawn, suspended, erased, capped = CustomerFactory.create_batch(5)
    for customer in (ok, withdrawn, suspended, erased, capped):
        grant(customer, "marketing_email")
    consent_withdraw(customer=withdrawn, purpose=purpose, channel="unsubscribe")
    customer_suspend_email(
        customer=suspended, actor=staff_user(Role.CUSTOMER_CARE), reason="nghi ngờ"
    )
    customer_erase(customer=erased, actor="system:test", trigger="staff")
    for _ in range(3):
        Message.objects.create(
            customer=capped, purpose="marketing_email", recipient="x", status=Message.Status.SENT
        )
    campaign = Campaign.objects.create(
        purpose=purpose,
        subject_vi="Ưu đãi tháng 12",
        subject_en="December offer",
        body_vi="Giảm 20%",
        body_en="20% off",
        created_by=staff_user(username="s2"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            communications.campaign_start(
                campaign=campaign,
                actor=None,
                confirmation=communications.campaign_preview(
                    campaign=campaign, actor=None
                ).confirmation,
            )
            == 2
        )
    assert sorted(m.to[0] for m in mail.outbox) == [ok.email]
    held = Message.objects.get(customer=capped, campaign=campaign)
    assert held.status == "held" and held.status_reason == "daily marketing limit reached"
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers
    assert Campaign.objects.get().status == "sent"


def test_renewal_reminders_once_per_threshold_and_calls_for_phone_customers(seeded):
    today = timezone.localdate()
    by_email = ServiceFactory(ends_on=today + datetime.timedelta(days=30))
    by_phone = ServiceFactory(
        ends_on=today + datetime.timedelta(days=7),
        customer=CustomerFactory(preferred_channel="phone"),
    )
    assert communications.renewal_reminders(today=today) == (1, 1)
    assert communications.renewal_reminders(today=today) == (0, 0)
    assert CallTask.objects.get().customer == by_phone.customer
    assert Message.objects.get(template="renewal_reminder").customer == by_email.customer


def test_sms_and_calls_wait_for_their_hours():
    tz = timezone.get_current_timezone()
    late = datetime.datetime(2026, 11, 22, 22, 30, tzinfo=tz)
    assert limits.next_allowed_time("sms", late).hour == 7
    afternoon = datetime.datetime(2026, 11, 22, 16, 0, tzinfo=tz)
    assert limits.next_allowed_time("call", afternoon) == afternoon
    assert limits.next_allowed_time("call", afternoon.replace(hour=17)).hour == 8


def test_references_list_only_consenting_customers_and_withdrawal_is_immediate(client, seeded):
    listed = CustomerFactory(business=True, business_name="Công ty Sao Mai")
    private = CustomerFactory(business=True, business_name="Công ty Kín Đáo", no_publication=True)
    CustomerFactory(business=True, business_name="Công ty Chưa Đồng Ý")
    for customer in (listed, private):
        grant(customer, "reference")
    html = client.get(reverse("customers:references")).content.decode()
    assert "Công ty Sao Mai" in html
    assert "Kín Đáo" not in html and "Chưa Đồng Ý" not in html
    consent_withdraw(
        customer=listed, purpose=Purpose.objects.get(code="reference"), channel="preferences"
    )
    assert "Công ty Sao Mai" not in client.get(reverse("customers:references")).content.decode()


def test_email_change_tells_the_old_address(seeded, staff_user, django_capture_on_commit_callbacks):
    from customers.records.services import customer_update

    customer = CustomerFactory(email="cu@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        customer_update(
            customer=customer,
            actor=staff_user(role=Role.CUSTOMER_CARE.value),
            data={"email": "moi@example.vn"},
        )
    assert [m.to for m in mail.outbox] == [["cu@example.vn"]]


def test_sms_campaign_goes_to_the_outbox_labelled_and_waits_for_its_hours(
    seeded, staff_user, django_capture_on_commit_callbacks
):
    purpose = Purpose.objects.get(code="marketing_sms")
    customer = CustomerFactory(phone_mobile="0912 345 678")
    grant(customer, "marketing_sms")
    campaign = Campaign.objects.create(
        purpose=purpose,
        subject_vi="Ưu đãi",
        subject_en="Offer",
        body_vi="Giảm 20% tháng này",
        body_en="20% off",
        created_by=staff_user(),
    )
    night = datetime.datetime(2026, 11, 22, 22, 30, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(night, tick=False), django_capture_on_commit_callbacks(execute=True):
        communications.campaign_start(
            campaign=campaign,
            actor=None,
            confirmation=communications.campaign_preview(
                campaign=campaign, actor=None
            ).confirmation,
        )
    message = Message.objects.get(campaign=campaign)
    assert message.channel == "sms" and message.status == "queued"
    assert timezone.localtime(message.not_before).hour == 7
    from customers.messaging.services import message_send

    with time_machine.travel(night.replace(day=23, hour=7, minute=5), tick=False):
        assert message_send(message_id=message.pk) is True
    message.refresh_from_db()
    assert message.status == "sent" and message.body.startswith("[QC] Giảm 20% tháng này")
    assert mail.outbox == []  # an SMS, not an email


def test_dpo_takes_a_legal_request_through_its_steps_in_the_admin(client, seeded, staff_user):
    from django.urls import reverse

    from tests.conftest import login_staff

    request = legal_request(CustomerFactory())
    login_staff(client, staff_user(role=Role.DPO.value))
    url = reverse("admin:customers_legaldisclosurerequest_step", args=[request.pk])
    page = client.get(reverse("admin:customers_legaldisclosurerequest_change", args=[request.pk]))
    assert "Bước tiếp theo" in page.content.decode()
    response = client.post(url, {"step": "gag", "reason": "", "objection_days": 7}, follow=True)
    assert "Hãy nêu lý do của quyết định này." in response.content.decode()
    client.post(url, {"step": "gag", "reason": "Lệnh của cơ quan điều tra", "objection_days": 7})
    client.post(
        url,
        {
            "step": "disclose",
            "fields": "full_name, phone_mobile",
            "form": "văn bản giấy",
            "objection_days": 7,
        },
    )
    request.refresh_from_db()
    assert request.status == "disclosed"
    assert request.disclosed_fields == ["full_name", "phone_mobile"]


def _customer_action(client, action, selected, data=None, query=""):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    return client.post(
        reverse("admin:customers_customer_changelist") + query,
        {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in selected], **(data or {})},
        follow=True,
    )


def test_dpo_records_a_sharing_from_the_customer_list_and_a_partner_needs_consent(
    seeded, staff_client
):
    from customers.models import AccessLogEntry, Disclosure

    partner = Recipient.objects.create(
        name="Đối tác B", kind="partner", purpose="Giới thiệu", data_categories="họ tên"
    )
    consenting, other = CustomerFactory(), CustomerFactory()
    grant(consenting, "partner_sharing")
    client = staff_client(role=Role.DPO.value)
    share = {
        "recipient": partner.pk,
        "legal_basis": "consent",
        "fields": ["full_name", "email"],
        "note": "Danh sách giới thiệu tháng 11",
    }

    page = _customer_action(client, "record_sharing", [consenting, other])
    assert "Ghi nhận việc chia sẻ" in page.content.decode()

    refused = _customer_action(client, "record_sharing", [consenting, other], share).content
    text = refused.decode()
    assert f"#{other.pk}" in text and "Danh sách giới thiệu tháng 11" in text  # data kept
    assert not Disclosure.objects.exists()

    done = _customer_action(client, "record_sharing", [consenting], share)
    assert "đã được ghi nhận cho 1 khách hàng" in done.content.decode()
    disclosure = Disclosure.objects.get()
    assert (disclosure.customer_ids, disclosure.fields) == ([consenting.pk], ["email", "full_name"])
    entry = AccessLogEntry.objects.get(action="export")
    assert entry.customer_ids == [consenting.pk] and entry.actor.groups.get().name == Role.DPO


def test_sales_cannot_record_a_sharing(seeded, staff_client):
    from customers.models import Disclosure

    client = staff_client(role=Role.SALES.value)
    page = client.get(reverse("admin:customers_customer_changelist"))
    assert 'value="record_sharing"' not in page.content.decode()
    _customer_action(client, "record_sharing", [CustomerFactory()], {"legal_basis": "consent"})
    assert not Disclosure.objects.exists()


def test_affected_customers_from_a_leaked_list_and_from_a_query(seeded, staff_client):
    leaked_email = CustomerFactory(email="Lan.Nguyen@Example.vn")
    leaked_phone = CustomerFactory(phone_mobile="0912345678")
    by_phone_source = CustomerFactory.create_batch(3, source="phone")
    CustomerFactory()  # not affected
    incident = Incident.objects.create(
        detected_at=timezone.now(), description="Lộ tệp xuất dữ liệu", volume=0
    )
    client = staff_client(role=Role.DPO.value)
    url = reverse("admin:customers_incident_affected", args=[incident.pk])

    empty = client.post(url, {"identifiers": ""})
    assert "Trường này là bắt buộc." in empty.content.decode()

    leaked = "lan.nguyen@example.vn\n+84 91 234 5678\n\nnobody@example.vn\n"
    done = client.post(url, {"identifiers": leaked}, follow=True).content.decode()
    assert "2 khách hàng khớp" in done and "1 dòng không khớp" in done
    assert "nobody@example.vn" not in done
    incident.refresh_from_db()
    assert incident.customer_ids == sorted([leaked_email.pk, leaked_phone.pk])
    from customers.models import AccessLogEntry

    looked = AccessLogEntry.objects.get(action="search")  # who learned whose data leaked
    assert looked.customer_ids == incident.customer_ids

    # By a query: the changelist filtered to phone intake, "select all" across pages.
    _customer_action(
        client,
        "add_to_incident",
        by_phone_source[:1],
        {"incident": incident.pk, "select_across": "1"},
        query="?source__exact=phone",
    )
    incident.refresh_from_db()
    expected = sorted([leaked_email.pk, leaked_phone.pk, *(c.pk for c in by_phone_source)])
    assert incident.customer_ids == expected and incident.volume == 5


def test_a_customer_in_two_incidents_is_told_about_each(seeded, django_capture_on_commit_callbacks):
    customer = CustomerFactory()
    first, second = (
        Incident.objects.create(
            detected_at=timezone.now(), description=text, customer_ids=[customer.pk], volume=1
        )
        for text in ("Sự cố 1", "Sự cố 2")
    )
    with django_capture_on_commit_callbacks(execute=True):
        for incident in (first, second, first):
            incidents.incident_notify_customers(incident=incident, actor=None)
    assert sorted(
        Message.objects.filter(customer=customer, purpose="incident").values_list(
            "incident_id", flat=True
        )
    ) == sorted([first.pk, second.pk])


def test_nothing_is_sent_or_published_on_a_web_registration_never_confirmed(
    seeded, staff_user, django_capture_on_commit_callbacks
):
    """Anyone can type an address (or a business) into the public form and tick the boxes:
    until the link sent to that address is opened, no campaign goes to it and no reference
    is published, as the confirmation email promises."""
    from customers.records.services import customer_confirm_contact, customer_send_confirmation

    typed_in = CustomerFactory(business=True, contact_confirmed_at=None)
    confirmed = CustomerFactory(business=True)
    for customer in (typed_in, confirmed):
        grant(customer, "marketing_email")
        grant(customer, "reference")
    published = [name for name, _product in disclosures.references_public()]
    assert published == [confirmed.business_name]
    campaign = Campaign.objects.create(
        purpose=Purpose.objects.get(code="marketing_email"),
        subject_vi="Ưu đãi",
        subject_en="Offer",
        body_vi="Giảm 10%",
        body_en="10% off",
        created_by=staff_user(),
    )
    assert list(communications.campaign_audience(campaign)) == [confirmed]
    # The link opened: the consents given with the form now count.
    message = customer_send_confirmation(customer=typed_in, actor=None)
    token = message.context and __import__("json").loads(message.context)["confirm_url"]
    customer_confirm_contact(token=token.rstrip("/").rsplit("/", 1)[-1])
    assert set(communications.campaign_audience(campaign)) == {typed_in, confirmed}
    assert len(disclosures.references_public()) == 2


def test_a_confirmed_customers_own_pages_open_from_the_customer_screen(staff_client):
    """(Found when the test customers became confirmed.) The reveal, email-channel and
    consent-proof pages were named twice, once by the unconfirmed-registrations screen,
    whose list holds only unconfirmed customers: for everyone else they answered 404."""
    from django.urls import reverse

    customer = ServiceFactory().customer  # confirmed, with an active service
    for who, name, args in [  # one signed-in client at a time (they share the test client)
        (
            {"superuser": True, "username": "a1"},
            "admin:customers_customer_consent_proof",
            [customer.pk],
        ),
        (
            {"superuser": True, "username": "a2"},
            "admin:customers_customer_email_channel",
            [customer.pk],
        ),
        (
            {"role": Role.TECH_SUPPORT},
            "admin:customers_customer_reveal",
            [customer.pk, "address_home"],
        ),
    ]:
        url = reverse(name, args=args)
        assert url.startswith("/admin/customers/customer/")
        assert staff_client(**who).get(url).status_code == 200, name
