"""Issue 34: moving in. A company's customers, services and invoices come in from an xlsx or
a CSV (UTF-8, BOM, UTF-16, Windows-1258); the preview writes nothing; a person confirms; the
batch can be undone for 7 days; a known customer is never overwritten; a consent comes in
only with its proof; the imported are told, within the hours; the retention sweep warns an
imported customer long inactive, and erases nobody before the DPO has looked."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from customers.consents.models import ConsentEvent, ConsentState
from customers.core.crypto import blind_index
from customers.core.personal_data import normalise_email
from customers.core.roles import Role
from customers.imports.notices import import_notices_send
from customers.imports.run import import_preview_run, import_write_run
from customers.imports.services import (
    ImportRefused,
    import_cancel,
    import_confirm,
    import_review_done,
    import_undo,
    import_upload,
)
from customers.messaging.services import message_send
from customers.models import (
    AccessLogEntry,
    AccountingDocument,
    Customer,
    ErasureCertificate,
    ImportBatch,
    ImportedCustomer,
    ImportIssue,
    Message,
    Service,
)
from customers.retention.rules import retention_rules_ensure
from demo.factories import CustomerFactory
from tests.customers.import_files import (
    TAX_CODE,
    bad_rows,
    csv_text,
    good_row,
    to_cp1258,
    upload,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def setup(seeded, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    retention_rules_ensure()


@pytest.fixture
def sales(staff_user):
    return staff_user(Role.SALES, username="kinhdoanh")


def previewed(actor, name, data, **kwargs):
    batch = import_upload(actor=actor, upload=upload(name, data), enqueue=False, **kwargs)
    with translation.override("vi"):
        import_preview_run(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch


def imported(actor, name, data):
    batch = previewed(actor, name, data)
    import_confirm(batch=batch, actor=actor, enqueue=False)
    import_write_run(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch


def by_email(email):
    return Customer.objects.get(email_index=blind_index(normalise_email(email)))


def wrong_tax_code():
    from stdnum.vn import mst

    return next(code for digit in "0123456789" if not mst.is_valid(code := TAX_CODE[:-1] + digit))


def test_an_xlsx_preview_says_what_each_row_would_do_and_writes_no_customer(sales):
    rows = [good_row(1), good_row(2), *bad_rows()]
    rows[-2]["tax_code"] = wrong_tax_code()
    batch = previewed(sales, "khach-hang.xlsx", xlsx_bytes(rows))
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert (batch.rows_read, batch.rows_new, batch.rows_error) == (7, 2, 5)
    assert not Customer.objects.exists() and not Service.objects.exists()
    errors = {
        (issue.row, issue.column): issue.message
        for issue in ImportIssue.objects.filter(batch=batch, level="error")
    }
    # Row numbers as the spreadsheet shows them (the header is row 1).
    assert errors[(4, "email")] == "Địa chỉ email này không hợp lệ."
    assert "Số điện thoại" in errors[(5, "phone_mobile")]
    assert errors[(6, "tax_code")] == "Doanh nghiệp phải có mã số thuế."
    assert "mã số thuế" in errors[(7, "tax_code")].lower()
    assert "dd/mm/yyyy" in errors[(8, "collected_on")]
    # The value read is never in the message (it may be personal data).
    assert not any("không-phải-email" in message for message in errors.values())


def test_a_windows_1258_csv_is_read_with_its_tone_marks_and_imported(sales):
    rows = [good_row(1, full_name="Nguyễn Thị Hồng Nhung", address_home="Số 5 phố Huế, Hà Nội")]
    rows.append(good_row(2, email="sai@"))
    data = to_cp1258(csv_text(rows))
    assert "Nguyễn".encode() not in data and b"Nguy" in data
    batch = imported(sales, "khach-hang.csv", data)
    assert (batch.rows_read, batch.customers_created, batch.rows_error) == (2, 1, 1)
    customer = by_email("khach1@example.vn")
    assert customer.full_name == "Nguyễn Thị Hồng Nhung"  # NFC, as a form would store it
    assert customer.address_home == "Số 5 phố Huế, Hà Nội"
    assert customer.source == Customer.Source.IMPORT


@pytest.mark.parametrize(
    ("encoding", "prefix"), [("utf-8", b""), ("utf-8-sig", b""), ("utf-16", b"")]
)
def test_utf8_bom_and_utf16_csv_files_are_read(sales, encoding, prefix):
    data = prefix + csv_text([good_row(1, full_name="Trần Đức Thắng")]).encode(encoding)
    batch = previewed(sales, "khach.csv", data)
    assert (batch.rows_new, batch.rows_error) == (1, 0), list(batch.issues.values("message"))


def test_confirming_writes_customers_services_documents_and_their_provenance(sales):
    batch = imported(sales, "khach-hang.xlsx", xlsx_bytes([good_row(1), good_row(2)]))
    assert batch.status == ImportBatch.Status.DONE
    assert (batch.customers_created, batch.services_created, batch.documents_created) == (2, 2, 2)
    customer = by_email("khach1@example.vn")
    service = Service.objects.get(customer=customer)
    assert (service.started_on, service.ends_on) == (
        datetime.date(2024, 3, 15),
        datetime.date(2027, 3, 15),
    )
    document = AccountingDocument.objects.get(customer=customer)
    assert (document.fiscal_year, document.retention_class, document.amount) == (
        2024,
        "acc_10y",
        1200000,
    )
    assert document.buyer_name == customer.full_name
    with connection.cursor() as cursor:
        table = AccountingDocument._meta.db_table
        cursor.execute(f"SELECT buyer_name FROM {table} WHERE id = %s", [document.pk])  # noqa: S608
        assert cursor.fetchone()[0].startswith("gAAAA")  # encrypted in the table
    provenance = ImportedCustomer.objects.get(customer=customer)
    assert provenance.batch == batch and provenance.created
    assert (provenance.collected_channel, provenance.collected_on) == (
        "paper",
        datetime.date(2024, 3, 15),
    )
    assert provenance.lawful_basis == ImportedCustomer.Basis.CONTRACT
    # The retention clock starts from the imported last activity.
    assert customer.last_activity_at.date() == datetime.date(2026, 10, 1)
    logged = AccessLogEntry.objects.filter(fields=["import"], actor=sales)
    assert any(customer.pk in entry.customer_ids for entry in logged)
    # The uploaded file is gone once the batch is imported.
    assert not batch.file


def test_the_uploaded_file_is_stored_encrypted(sales, settings):
    batch = import_upload(
        actor=sales, upload=upload("k.csv", csv_text([good_row(1)]).encode()), enqueue=False
    )
    stored = batch.file.storage.read_token(batch.file.name)
    assert stored.startswith(b"gAAAA") and b"khach1@example.vn" not in stored
    import_cancel(batch=batch, actor=sales)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CANCELLED and not batch.file


def test_a_second_run_of_the_same_file_creates_nothing(sales):
    data = xlsx_bytes([good_row(1), good_row(2), good_row(2, doc_number="HD-2B")])
    first = imported(sales, "khach.xlsx", data)
    assert (first.customers_created, first.documents_created) == (2, 3)
    again = imported(sales, "khach.xlsx", data)
    assert (again.rows_read, again.rows_matched, again.customers_created) == (3, 3, 0)
    assert (again.services_created, again.documents_created) == (0, 0)
    assert Customer.objects.count() == 2 and AccountingDocument.objects.count() == 3


def test_a_row_matching_a_confirmed_customer_never_overwrites_them(sales):
    known = CustomerFactory(email="khach1@example.vn", full_name="Lê Thị Cũ", phone_mobile="")
    batch = previewed(sales, "k.xlsx", xlsx_bytes([good_row(1, full_name="Tên Khác")]))
    match = ImportIssue.objects.get(batch=batch, level="match")
    assert match.customer == known and batch.rows_matched == 1
    looked = AccessLogEntry.objects.get(action="search", actor=sales)
    assert looked.customer_ids == [known.pk] and "import" in looked.reason
    import_confirm(batch=batch, actor=sales, enqueue=False)
    import_write_run(batch_id=batch.pk)
    known.refresh_from_db()
    assert known.full_name == "Lê Thị Cũ" and known.phone_mobile == ""
    assert Customer.objects.count() == 1
    assert not ImportedCustomer.objects.get(customer=known).created
    # What the file adds (a service, an invoice) is recorded for them.
    assert Service.objects.filter(customer=known, import_batch=batch).exists()


def test_a_consent_is_imported_only_with_its_proof_and_dated_when_given(sales):
    proof = {
        "consent:marketing_email:date": "02/01/2025",
        "consent:marketing_email:channel": "Phiếu đăng ký giấy",
        "consent:marketing_email:wording": "Tôi đồng ý nhận tin khuyến mãi qua email.",
    }
    without = {"consent:partner_sharing:date": "02/01/2025"}
    batch = imported(sales, "k.xlsx", xlsx_bytes([good_row(1, **proof), good_row(2, **without)]))
    with_proof, without_proof = by_email("khach1@example.vn"), by_email("khach2@example.vn")
    event = ConsentEvent.objects.get(customer=with_proof)
    assert event.purpose.code == "marketing_email" and event.channel == "import"
    assert event.wording == "Tôi đồng ý nhận tin khuyến mãi qua email."
    assert event.given_at.date() == datetime.date(2025, 1, 2)
    assert ConsentState.objects.get(customer=with_proof).since.date() == datetime.date(2025, 1, 2)
    assert not ConsentEvent.objects.filter(customer=without_proof).exists()
    warning = ImportIssue.objects.get(batch=batch, level="warning", row=3)
    assert "bằng chứng" in warning.message
    assert batch.consents_recorded == 1


def test_an_import_is_undone_as_a_whole_and_what_existed_stays(sales):
    known = CustomerFactory(email="khach1@example.vn", full_name="Lê Thị Cũ")
    batch = imported(sales, "k.xlsx", xlsx_bytes([good_row(1), good_row(2), good_row(3)]))
    created = [by_email("khach2@example.vn").pk, by_email("khach3@example.vn").pk]
    result = import_undo(batch=batch, actor=sales)
    assert result["erased"] == 2
    assert set(Customer.objects.filter(pk__in=created).values_list("status", flat=True)) == {
        "erased"
    }
    certificate = ErasureCertificate.objects.get(customer_id=created[0])
    assert certificate.trigger == ErasureCertificate.Trigger.IMPORT_UNDONE
    known.refresh_from_db()
    assert known.status == "active" and known.full_name == "Lê Thị Cũ"
    assert not Service.objects.exists() and not AccountingDocument.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE
    with pytest.raises(ImportRefused):
        import_undo(batch=batch, actor=sales)


def test_an_import_cannot_be_undone_after_seven_days(sales):
    batch = imported(sales, "k.xlsx", xlsx_bytes([good_row(1)]))
    eight_days_later = time_machine.travel(batch.finished_at + datetime.timedelta(days=8))
    with eight_days_later, pytest.raises(ImportRefused):
        import_undo(batch=batch, actor=sales)
    assert by_email("khach1@example.vn").status == "active"


def test_only_roles_that_create_customers_import(staff_user):
    for role in (Role.TECH_SUPPORT, Role.ACCOUNTING, Role.DPO):
        with pytest.raises(PermissionDenied):
            import_upload(
                actor=staff_user(role, username=f"u-{role}"),
                upload=upload("k.csv", b"x"),
                enqueue=False,
            )
    assert not ImportBatch.objects.exists()


def test_a_cancel_during_the_preview_stops_it_and_deletes_the_file(sales):
    batch = import_upload(
        actor=sales, upload=upload("k.xlsx", xlsx_bytes([good_row(1)])), enqueue=False
    )
    ImportBatch.objects.filter(pk=batch.pk).update(status="previewing")
    import_cancel(batch=batch, actor=sales)
    ImportBatch.objects.filter(pk=batch.pk).update(status="uploaded")
    import_preview_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CANCELLED and not batch.file


VN = datetime.timezone(datetime.timedelta(hours=7))


def test_the_notice_goes_only_within_the_allowed_hours(sales):
    batch = imported(sales, "k.xlsx", xlsx_bytes([good_row(1), good_row(2, email="")]))
    Message.objects.filter(template__startswith="import_notice").delete()
    ImportedCustomer.objects.update(notice_done=False, notice_message=None)
    with time_machine.travel(datetime.datetime(2026, 12, 7, 23, 30, tzinfo=VN), tick=False):
        assert import_notices_send(batch_id=batch.pk) == 0
    assert not Message.objects.filter(template__startswith="import_notice").exists()
    with time_machine.travel(datetime.datetime(2026, 12, 8, 8, 0, tzinfo=VN), tick=False):
        assert import_notices_send(batch_id=batch.pk) == 2
    email = Message.objects.get(template="import_notice")
    sms = Message.objects.get(template="import_notice_sms")
    assert (email.channel, sms.channel) == ("email", "sms")
    assert email.customer == by_email("khach1@example.vn")


def test_the_notice_names_the_policy_and_the_preferences_page(sales, mailoutbox):
    imported(sales, "k.xlsx", xlsx_bytes([good_row(1)]))
    with time_machine.travel(datetime.datetime(2026, 12, 8, 9, 0, tzinfo=VN), tick=False):
        import_notices_send(batch_id=ImportBatch.objects.get().pk)
    message = Message.objects.get(template="import_notice")
    message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == "sent", message.status_reason
    assert "/privacy/" in message.body and "/preferences/" in message.body


def test_an_imported_customer_inactive_for_13_months_is_warned_not_erased(
    sales, staff_user, mailoutbox
):
    thirteen_months_ago = "01/11/2025"
    row = good_row(1, last_activity=thirteen_months_ago, collected_on="01/10/2025")
    row.update(product="", started_on="", ends_on="", doc_kind="", doc_number="", doc_date="")
    row.update(fiscal_year="", amount="", retention_class="")
    start = datetime.datetime(2026, 12, 6, 10, 0, tzinfo=VN)
    dpo = staff_user(Role.DPO, username="baovedulieu")
    dpo.email = "dpo@example.vn"
    dpo.save()
    with time_machine.travel(start, tick=False):
        imported(sales, "k.xlsx", xlsx_bytes([row]))
    customer = by_email("khach1@example.vn")
    provenance = ImportedCustomer.objects.get(customer=customer)
    assert provenance.inactive_at_import  # on the DPO's list before any sweep
    told = [m for m in mailoutbox if m.to == ["dpo@example.vn"]]
    assert told and "1" in told[0].body and "importedcustomerreview" in told[0].body
    with time_machine.travel(start.replace(hour=2) + datetime.timedelta(days=1), tick=False):
        call_command("run_retention")  # the first night
    customer.refresh_from_db()
    assert customer.status == "active" and customer.erasure_notice_sent_at is not None
    assert Message.objects.filter(customer=customer, template="erasure_notice").exists()
    later = start + datetime.timedelta(days=45)
    with time_machine.travel(later, tick=False):
        call_command("run_retention")
    customer.refresh_from_db()
    assert customer.status == "active"  # the DPO has not looked yet
    assert import_review_done(imported_ids=[provenance.pk], actor=dpo) == 1
    with time_machine.travel(later + datetime.timedelta(days=1), tick=False):
        call_command("run_retention")
    customer.refresh_from_db()
    assert customer.status == "erased"


def test_the_command_previews_without_writing_and_imports(tmp_path, capsys):
    path = tmp_path / "khach.csv"
    path.write_bytes(to_cp1258(csv_text([good_row(1), good_row(2, email="sai")])))
    call_command("import_customers", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert not Customer.objects.exists()
    assert "1" in out and "Dòng 3" in out
    call_command("import_customers", str(path), "--yes")
    assert Customer.objects.count() == 1


@pytest.mark.parametrize("typed", ["0903123456", "0903 123 456", "+84 903 123 456", "090-312-3456"])
def test_a_row_is_indexed_as_a_form_would_index_it(typed):
    from customers.core.personal_data import blind_indexes
    from customers.imports.columns import parse_row

    row = parse_row(
        2,
        {"full_name": "An", "phone_mobile": typed, "email": "An@Example.vn", "tax_code": TAX_CODE},
        today=datetime.date(2026, 12, 6),
    )
    expected = blind_indexes(
        {"phone_mobile": row.values["phone_mobile"], "email": "an@example.vn", "tax_code": TAX_CODE}
    )
    assert row.indexes == expected


def test_the_admin_uploads_previews_and_confirms(staff_client, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from tests.customers.import_files import xlsx_bytes as make_xlsx

    client = staff_client(Role.SALES)
    template = client.get(reverse("admin:customers_importbatch_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:customers_importbatch_add"),
            {"file": upload("k.xlsx", make_xlsx([good_row(1), good_row(2, email="x")]))},
        )
    batch = ImportBatch.objects.get()
    assert response.url == reverse("admin:customers_importbatch_change", args=[batch.pk])
    page = client.get(response.url).content.decode()
    assert "Đã có bản xem trước" in page and "Địa chỉ email này không hợp lệ." in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:customers_importbatch_decide", args=[batch.pk]),
            {"decision": "confirm"},
        )
    batch.refresh_from_db()
    assert batch.status == "done" and batch.customers_created == 1
    assert "Hoàn tác lô nhập này" in client.get(response.url).content.decode()


def test_technical_support_sees_no_import_screen(staff_client):
    from django.urls import reverse

    client = staff_client(Role.TECH_SUPPORT)
    assert client.get(reverse("admin:customers_importbatch_add")).status_code == 403
    assert client.get(reverse("admin:customers_importbatch_template")).status_code == 403


def test_the_import_pass_reports_its_progress_against_the_previews_count(sales, monkeypatch):
    from customers.imports import run

    seen = []
    real = run._progress

    def spy(batch, counters, fraction):
        seen.append(fraction)
        return real(batch, counters, fraction)

    monkeypatch.setattr(run, "CHUNK", 2)
    monkeypatch.setattr(run, "_progress", spy)
    batch = previewed(sales, "k.xlsx", xlsx_bytes([good_row(n) for n in range(1, 7)]))
    seen.clear()
    import_confirm(batch=batch, actor=sales, enqueue=False)
    import_write_run(batch_id=batch.pk)
    assert seen[:3] == [pytest.approx(2 / 6), pytest.approx(4 / 6), 0.99] and seen[-1] == 1.0


def test_a_preview_nobody_confirms_is_abandoned_and_its_file_deleted(
    sales, django_capture_on_commit_callbacks
):
    from customers.imports.run import imports_abandon_stale

    batch = previewed(sales, "k.xlsx", xlsx_bytes([good_row(1)]))
    name = batch.file.name
    assert imports_abandon_stale() == 0
    later = time_machine.travel(batch.created_at + datetime.timedelta(hours=49))
    with later, django_capture_on_commit_callbacks(execute=True):
        assert imports_abandon_stale() == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.ABANDONED and not batch.file
    assert not batch.file.storage.exists(name)
    assert not Customer.objects.exists()
