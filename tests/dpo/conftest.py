import datetime

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def live_data(seeded):
    """A small live system: customers with consents, recipients (one abroad), a request
    answered late, an incident notified after 80 hours."""
    from customers.consents.models import Purpose
    from customers.consents.services.ledger import consent_grant
    from customers.models import DataRequest, Incident, Recipient
    from demo.factories import CustomerFactory

    customers = CustomerFactory.create_batch(3)
    email = (
        Purpose.objects.get(code="marketing_email")
        if Purpose.objects.filter(code="marketing_email").exists()
        else Purpose.objects.filter(optional=True).first()
    )
    for customer in customers[:2]:
        consent_grant(customer=customer, purpose=email, channel="web_form")
    vietmail = Recipient.objects.create(
        name="Hạ tầng Thư Việt",
        kind=Recipient.Kind.PROCESSOR,
        purpose="Gửi thư xác nhận",
        data_categories="Họ và tên, email",
        hosted_in=Recipient.Hosting.VIETNAM,
        agreement_date=datetime.date(2026, 1, 5),
    )
    mailgun = Recipient.objects.create(
        name="Mailgun Frankfurt",
        kind=Recipient.Kind.PROCESSOR,
        purpose="Gửi thư tiếp thị",
        data_categories="Họ và tên, email",
        hosted_in=Recipient.Hosting.ABROAD,
    )
    # The register: which purposes each recipient serves.
    vietmail.purposes.set(Purpose.objects.filter(optional=False))
    mailgun.purposes.set([email])
    now = timezone.now()
    today = timezone.localdate()
    DataRequest.objects.create(
        reference="YC-LATE-1",
        customer=customers[0],
        kind=DataRequest.Kind.ACCESS,
        status=DataRequest.Status.ANSWERED,
        received_at=now - datetime.timedelta(days=30),
        acknowledge_by=today - datetime.timedelta(days=28),
        due_on=today - datetime.timedelta(days=20),
        closed_at=now - datetime.timedelta(days=5),
    )
    detected = now - datetime.timedelta(days=10)
    Incident.objects.create(
        status=Incident.Status.NOTIFIED,
        detected_at=detected,
        description="laptop lost",
        volume=42,
        authority_notified_at=detected + datetime.timedelta(hours=80),
    )
    return {"customers": customers, "email_purpose": email}


def ready_to_file(user):
    """What a DPIA or TIA must carry before it is signed off and filed: the company's legal
    details and its DPO's appointment, each recipient's purposes (and, abroad, its country,
    address and contact), and a signed risk assessment."""
    import datetime as dt

    from customers.consents.models import Purpose
    from customers.core.company import company_profile
    from customers.models import Recipient
    from dpo.models import RiskAssessment

    company = company_profile()
    company.legal_representative = "Phạm Minh Tuấn"
    company.legal_representative_title = "Giám đốc"
    company.business_lines = "Dịch vụ công nghệ thông tin\nLắp đặt hệ thống an ninh"
    company.website = "https://antam.example.vn"
    company.tax_code = company.tax_code or "0312345673"
    company.dpo_person = "Lê Thu Hà"
    company.dpo_title = "Trưởng bộ phận Bảo vệ dữ liệu cá nhân"
    company.dpo_appointment_ref = "12/QĐ-AT"
    company.dpo_appointment_date = dt.date(2026, 1, 2)
    company.save()
    service = Purpose.objects.filter(optional=False).order_by("order").first()
    for recipient in Recipient.objects.all():
        if not recipient.purposes.exists():
            recipient.purposes.set([service])
        if recipient.hosted_in == Recipient.Hosting.ABROAD:
            recipient.country = recipient.country or "Đức"
            recipient.address = recipient.address or "Friedrichstraße 1, 10117 Berlin"
            recipient.contact = recipient.contact or "privacy@mailgun.example.com"
            recipient.agreement_date = recipient.agreement_date or dt.date(2026, 2, 1)
            recipient.save()
    if not RiskAssessment.objects.filter(signed_at__isnull=False).exists():
        RiskAssessment.objects.create(
            text="Rủi ro được đánh giá là thấp.",
            created_by=user,
            signed_by=user,
            signed_at=timezone.now(),
        )
