"""Issue 34: a file that does not follow the template stops before the preview until someone
says which of its columns is which; the company sets that once per layout of headers."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from customers.core.roles import Role
from customers.imports.mapping import guess
from customers.imports.run import import_preview_run
from customers.imports.services import import_mapping_save, import_upload
from customers.models import ColumnMapping, Customer, ImportBatch
from customers.retention.rules import retention_rules_ensure
from tests.customers.import_files import upload

pytestmark = pytest.mark.django_db

OTHER_HEADERS = ["Tên khách hàng", "SĐT", "E-mail", "Ghi chú riêng"]


def other_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(OTHER_HEADERS)
    for n in rows:
        writer.writerow([f"Nguyễn Văn Khác {n}", f"0903{n:06d}", f"khac{n}@example.vn", ""])
    return out.getvalue().encode()


@pytest.fixture(autouse=True)
def setup(seeded, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    retention_rules_ensure()


@pytest.fixture
def sales(staff_user):
    return staff_user(Role.SALES, username="kinhdoanh")


def previewed(actor, data):
    batch = import_upload(actor=actor, upload=upload("khac.csv", data), enqueue=False)
    with translation.override("vi"):
        import_preview_run(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch


MAPPING = {"full_name": "Tên khách hàng", "phone_mobile": "SĐT", "email": "E-mail"}


def test_a_file_with_other_headers_stops_for_its_column_mapping(sales):
    batch = previewed(sales, other_csv([1, 2]))
    assert batch.status == ImportBatch.Status.NEEDS_MAPPING
    assert batch.file_headers == OTHER_HEADERS
    assert batch.rows_read == 0 and not batch.issues.exists()


def test_the_guess_uses_folded_names_and_common_synonyms():
    assert guess(["ho ten", "Số điện thoại", "MST", "e-mail", "Khác"]) == {
        "full_name": "ho ten",
        "phone_mobile": "Số điện thoại",
        "tax_code": "MST",
        "email": "e-mail",
    }


def test_saving_the_mapping_previews_the_file_as_mapped(sales):
    batch = previewed(sales, other_csv([1, 2]))
    import_mapping_save(batch=batch, actor=sales, mapping=MAPPING, enqueue=False)
    import_preview_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert (batch.rows_read, batch.rows_new, batch.rows_error) == (2, 2, 0)
    remembered = ColumnMapping.objects.get()
    assert remembered.mapping == MAPPING and remembered.created_by_label
    assert batch.column_mapping == remembered


def test_a_second_file_with_the_same_headers_is_mapped_from_the_remembered_mapping(sales):
    first = previewed(sales, other_csv([1]))
    import_mapping_save(batch=first, actor=sales, mapping=MAPPING, enqueue=False)
    second = previewed(sales, other_csv([5, 6, 7]))
    assert second.status == ImportBatch.Status.PREVIEWED
    assert second.rows_new == 3
    assert second.column_mapping == ColumnMapping.objects.get()


def test_a_mapping_without_the_required_column_or_with_unknown_headers_is_refused(sales):
    batch = previewed(sales, other_csv([1]))
    with pytest.raises(ValueError):
        import_mapping_save(batch=batch, actor=sales, mapping={"email": "E-mail"}, enqueue=False)
    with pytest.raises(ValueError):
        import_mapping_save(
            batch=batch, actor=sales, mapping={"full_name": "Không có"}, enqueue=False
        )
    assert not ColumnMapping.objects.exists()


def test_a_role_without_the_import_permission_cannot_save_a_mapping(sales, staff_user):
    batch = previewed(sales, other_csv([1]))
    support = staff_user(Role.TECH_SUPPORT, username="hotro")
    with pytest.raises(PermissionDenied):
        import_mapping_save(batch=batch, actor=support, mapping=MAPPING, enqueue=False)
    assert not ColumnMapping.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.NEEDS_MAPPING


def test_the_command_names_the_unmatched_headers_in_vietnamese(tmp_path):
    path = tmp_path / "khac.csv"
    path.write_bytes(other_csv([1]))
    with translation.override("vi"), pytest.raises(CommandError) as raised:
        call_command("import_customers", str(path), "--yes", "--language", "vi")
    message = str(raised.value)
    assert "không theo mẫu" in message and "--mapping" in message
    assert "Tên khách hàng" in message and "SĐT" in message
    assert "Nguyễn" not in message
    assert not Customer.objects.exists()


def test_the_command_imports_with_a_mapping_given_on_the_command_line(tmp_path):
    path = tmp_path / "khac.csv"
    path.write_bytes(other_csv([1, 2]))
    given = "Họ và tên=Tên khách hàng;Điện thoại di động=SĐT;Email=E-mail"
    call_command("import_customers", str(path), "--yes", "--mapping", given)
    assert Customer.objects.count() == 2
    path.write_bytes(other_csv([3]))
    call_command("import_customers", str(path), "--yes")  # the remembered mapping
    assert Customer.objects.count() == 3


def test_the_batch_page_asks_for_the_mapping_then_says_which_one_it_used(
    staff_client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    client = staff_client(Role.SALES)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:customers_importbatch_add"),
            {"file": upload("khac.csv", other_csv([1, 2]))},
        )
    batch = ImportBatch.objects.get()
    page = client.get(response.url).content.decode()
    assert "Cần ghép cột" in page and "Họ và tên" in page
    assert '<option value="SĐT" selected>' in page  # guessed for "Điện thoại di động"
    assert "Nguyễn Văn Khác" not in page  # header names only, never a cell
    fields = {f"c{i}": "" for i in range(200)}
    fields.update(c1="Tên khách hàng", c5="E-mail", c6="SĐT")  # keys in the template's order
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:customers_importbatch_mapping", args=[batch.pk]), fields)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED and batch.rows_new == 2
    page = client.get(response.url).content.decode()
    assert "Đã ghép cột theo cách ghép đã lưu" in page


def test_a_file_nobody_maps_is_abandoned_and_deleted_like_an_unconfirmed_preview(
    sales, django_capture_on_commit_callbacks
):
    import datetime

    import time_machine

    from customers.imports.run import imports_abandon_stale

    batch = previewed(sales, other_csv([1]))
    name = batch.file.name
    later = time_machine.travel(batch.created_at + datetime.timedelta(hours=49))
    with later, django_capture_on_commit_callbacks(execute=True):
        assert imports_abandon_stale() == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.ABANDONED
    assert not batch.file.storage.exists(name)


def test_the_mapping_can_be_changed_after_the_preview_before_confirming(sales):
    first = previewed(sales, other_csv([1]))
    import_mapping_save(batch=first, actor=sales, mapping=MAPPING, enqueue=False)
    batch = previewed(sales, other_csv([2, 3]))
    without_email = {"full_name": "Tên khách hàng", "phone_mobile": "SĐT"}
    import_mapping_save(batch=batch, actor=sales, mapping=without_email, enqueue=False)
    import_preview_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED and batch.rows_read == 2
    assert ColumnMapping.objects.get().mapping == without_email
    assert batch.issues.filter(code="header_unknown", column="E-mail").exists()
