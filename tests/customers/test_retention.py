"""Retention: inactive customers are told, then erased; accounting documents stay their
legal time; holds, services, warranties and open requests block; nothing stays in clear."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection

from customers.consents.models import ConsentEvent, Purpose
from customers.consents.services.ledger import consent_grant
from customers.core.selectors import customers_matching
from customers.models import Customer, ErasureCertificate, RetentionRule, Submission
from customers.requests.services import request_open
from customers.retention.erasure import ErasureBlocked, customer_erase
from customers.retention.rules import retention_rules_ensure
from customers.retention.services import destruction_approve, retention_plan
from demo.factories import (
    AccountingDocumentFactory,
    CustomerFactory,
    ServiceFactory,
    WarrantyFactory,
)

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 1, 10, 9, 0, tzinfo=datetime.UTC)
SECRETS = {
    "full_name": "Lương Văn Tín",
    "email": "tin.luong@example.vn",
    "phone_mobile": "0903 456 789",
    "tax_code": "0100109106",
    "address_home": "5 Hai Bà Trưng, Hà Nội",
}


@pytest.fixture(autouse=True)
def rules(seeded):
    retention_rules_ensure()


def sweep(when):
    with time_machine.travel(when, tick=False):
        call_command("run_retention")


def make_customer(**extra):
    with time_machine.travel(T0, tick=False):
        return CustomerFactory(**{**SECRETS, **extra})


def test_inactive_customer_is_notified_30_days_before_and_erased_after_12_months(
    django_capture_on_commit_callbacks,
):
    customer = make_customer()
    with django_capture_on_commit_callbacks(execute=True):
        sweep(T0 + datetime.timedelta(days=365 - 31))
    assert mail.outbox == []  # not yet within the notice window
    with django_capture_on_commit_callbacks(execute=True):
        sweep(T0 + datetime.timedelta(days=365 - 29))
    assert [m.to for m in mail.outbox] == [[SECRETS["email"]]]
    assert "sẽ xóa dữ liệu cá nhân của bạn" in mail.outbox[0].body
    sweep(T0 + datetime.timedelta(days=364))  # 12 months minus a day: kept
    assert Customer.objects.get(pk=customer.pk).status == "active"
    sweep(T0 + datetime.timedelta(days=366))  # 12 months plus a day: erased
    customer.refresh_from_db()
    assert customer.status == "erased"
    assert ErasureCertificate.objects.get(customer=customer).trigger == "inactivity"
    with django_capture_on_commit_callbacks(execute=True):
        sweep(T0 + datetime.timedelta(days=367))
    assert len(mail.outbox) == 1  # one notice, never repeated


def test_any_activity_cancels_the_erasure(client):
    from customers.records.services import customer_touch

    customer = make_customer()
    sweep(T0 + datetime.timedelta(days=340))
    assert Customer.objects.get(pk=customer.pk).erasure_notice_sent_at is not None
    with time_machine.travel(T0 + datetime.timedelta(days=350), tick=False):
        customer_touch(customer=customer)
    sweep(T0 + datetime.timedelta(days=370))
    customer.refresh_from_db()
    assert customer.status == "active" and customer.erasure_notice_sent_at is None


def scan_every_text_column(values):
    """Every value still present in clear, table by table."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            description = connection.introspection.get_table_description(cursor, table)
            columns = [
                c.name
                for c in description
                if "char" in c.type_code.__str__().lower()
                or "text" in str(c.type_code).lower()
                or c.type_code in (25, 1043, 114, 3802)
            ]
            for column in columns:
                q = connection.ops.quote_name
                for value in values:
                    cursor.execute(
                        f"SELECT count(*) FROM {q(table)} WHERE CAST({q(column)} AS TEXT) LIKE %s",  # noqa: S608
                        [f"%{value}%"],
                    )
                    if cursor.fetchone()[0]:
                        found.append((table, column, value))
    return found


def test_erased_customer_cannot_be_found_and_nothing_remains_in_clear(client):
    customer = make_customer()
    purpose = Purpose.objects.get(code="marketing_email")
    consent_grant(customer=customer, purpose=purpose, channel="web_form", ip_address="198.51.100.9")
    Submission.objects.create(
        customer=customer,
        form="register",
        data='{"x": 1}',
        ip_address="198.51.100.9",
        language="vi",
    )
    customer_erase(customer=customer, actor="system:test", trigger="staff", reason="test")
    for term in [SECRETS["email"], SECRETS["phone_mobile"], SECRETS["tax_code"]]:
        assert not customers_matching(term).exists()
    assert scan_every_text_column([*SECRETS.values(), "198.51.100.9"]) == []
    event = ConsentEvent.objects.get(customer=customer)
    assert event.action == "granted" and event.ip_address == ""  # the fact stays, not the IP
    assert not customer.consent_states.exists()


@pytest.mark.parametrize(
    "blocker", ["legal_hold", "active_service", "running_warranty", "open_request"]
)
def test_each_blocker_stops_erasure_and_is_reported(blocker, staff_user):
    customer = make_customer()
    if blocker == "legal_hold":
        customer.legal_holds.create(reason="Tranh chấp hợp đồng", placed_by=staff_user())
    elif blocker == "active_service":
        ServiceFactory(customer=customer)
    elif blocker == "running_warranty":
        WarrantyFactory(customer=customer)
    else:
        request_open(customer=customer, kind="complaint", details="...")
    with pytest.raises(ErasureBlocked) as blocked:
        customer_erase(customer=customer, actor="system:test", trigger="staff")
    assert blocker in blocked.value.reasons
    assert Customer.objects.get(pk=customer.pk).status == "active"
    sweep(T0 + datetime.timedelta(days=800))
    assert Customer.objects.get(pk=customer.pk).status == "active"


def test_invoice_survives_erasure_with_buyer_data_and_is_proposed_only_after_y_plus_10(
    staff_user, django_capture_on_commit_callbacks
):
    customer = make_customer(business=True)
    with time_machine.travel(T0, tick=False):
        invoice = AccountingDocumentFactory(
            customer=customer, issued_on=datetime.date(2026, 3, 5), fiscal_year=2026
        )
    certificate = customer_erase(customer=customer, actor="system:test", trigger="staff")
    assert certificate.kept[0]["until"] == "2036-12-31"
    invoice.refresh_from_db()
    assert invoice.buyer_tax_code == SECRETS["tax_code"]  # the law keeps it on the invoice
    assert invoice.buyer_name
    with connection.cursor() as cursor:  # kept for years, and encrypted at rest meanwhile
        cursor.execute(
            "SELECT buyer_name FROM customers_accountingdocument WHERE id = %s", [invoice.pk]
        )
        assert invoice.buyer_name not in cursor.fetchone()[0]
    with time_machine.travel(datetime.datetime(2036, 12, 31, 12, tzinfo=datetime.UTC)):
        assert retention_plan()["documents_past_period"] == []
    with time_machine.travel(datetime.datetime(2037, 1, 1, 12, tzinfo=datetime.UTC)):
        assert retention_plan()["documents_past_period"] == [invoice.pk]
        call_command("run_retention")
    from customers.models import AccountingDocument, DestructionList

    proposal = DestructionList.objects.get()
    assert AccountingDocument.objects.filter(pk=invoice.pk).exists()  # nothing without approval
    with django_capture_on_commit_callbacks(execute=True):
        destruction_approve(
            destruction_list=proposal,
            actor=staff_user(superuser=True),
            council="Nguyễn A (Giám đốc), Trần B (Kế toán trưởng)",
        )
    proposal.refresh_from_db()
    assert "BIÊN BẢN TIÊU HỦY" in proposal.minutes
    assert not AccountingDocument.objects.filter(pk=invoice.pk).exists()


def test_permanent_documents_are_never_proposed():
    customer = make_customer(business=True)
    AccountingDocumentFactory(
        customer=customer,
        fiscal_year=2001,
        retention_class="acc_permanent",
        issued_on=datetime.date(2001, 5, 1),
    )
    assert retention_plan()["documents_past_period"] == []


def test_a_changed_period_applies_at_the_next_sweep_and_legal_minimums_hold():
    from django.core.exceptions import ValidationError

    customer = make_customer()
    rule = RetentionRule.objects.get(category="customer")
    rule.period_months, rule.notice_days = 6, 0
    rule.save()
    sweep(T0 + datetime.timedelta(days=190))
    assert Customer.objects.get(pk=customer.pk).status == "erased"
    accounting = RetentionRule.objects.get(category="acc_10y")
    accounting.period_months = 60
    with pytest.raises(ValidationError):
        accounting.full_clean()


def test_dry_run_prints_counts_and_changes_nothing(capsys):
    customer = make_customer()
    with time_machine.travel(T0 + datetime.timedelta(days=400), tick=False):
        call_command("run_retention", "--dry-run", "--language", "en")
    out = capsys.readouterr().out
    assert "customers to tell now that their data will be erased: 1" in out
    assert SECRETS["email"] not in out and SECRETS["full_name"] not in out
    assert Customer.objects.get(pk=customer.pk).erasure_notice_sent_at is None


def test_a_second_sweep_right_after_changes_nothing():
    customers = [make_customer(email=f"c{i}@example.vn") for i in range(3)]
    sweep(T0 + datetime.timedelta(days=340))
    sweep(T0 + datetime.timedelta(days=380))
    assert Customer.objects.filter(status="erased").count() == 3
    certificates = ErasureCertificate.objects.count()
    sweep(T0 + datetime.timedelta(days=380))
    assert ErasureCertificate.objects.count() == certificates
    del customers


def test_request_records_and_incident_files_leave_five_years_after_closure(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    from customers.incidents.services import incident_open_from_complaint
    from customers.models import DataRequest, Incident, Message

    settings.MEDIA_ROOT = tmp_path
    customer = make_customer()
    with time_machine.travel(T0, tick=False):
        old = request_open(customer=customer, kind="access", details="Cho tôi xem dữ liệu")
        old.attachment.save("giay-to.pdf", ContentFile(b"%PDF"))
        leak = request_open(customer=customer, kind="complaint", complaint_category="leak")
        incident = incident_open_from_complaint(request=leak)
        incident.record_document.save("bien-ban.pdf", ContentFile(b"%PDF"))
        Message.objects.create(
            customer=customer, purpose="incident", recipient="x", incident=incident
        )
    closed = T0 + datetime.timedelta(days=10)
    DataRequest.objects.update(status="answered", closed_at=closed)
    Incident.objects.update(status="closed", closed_at=closed)
    recent = request_open(customer=customer, kind="access")
    DataRequest.objects.filter(pk=recent.pk).update(
        status="answered", closed_at=T0.replace(year=2030)
    )
    files = [tmp_path / old.attachment.name, tmp_path / incident.record_document.name]

    sweep(closed.replace(year=2031) - datetime.timedelta(days=1))  # 5 years less a day
    assert DataRequest.objects.count() == 3 and Incident.objects.count() == 1
    assert all(f.exists() for f in files)

    with django_capture_on_commit_callbacks(execute=True):
        sweep(closed.replace(year=2031) + datetime.timedelta(days=1))
    assert list(DataRequest.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Incident.objects.exists() and not any(f.exists() for f in files)
    assert Message.objects.get(purpose="incident").incident is None  # what was sent stays


def test_erasure_removes_a_complaint_attachment_from_disk(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    customer = make_customer()
    request = request_open(customer=customer, kind="complaint", complaint_category="other")
    request.attachment.save("anh-chup.png", ContentFile(b"\x89PNG"))
    request.status = "answered"
    request.save()
    path = tmp_path / request.attachment.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        customer_erase(customer=customer, actor="system:test", trigger="staff")
    assert not path.exists()
