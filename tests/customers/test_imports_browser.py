"""Issue 34 in the browser: sales downloads the template, uploads a file, reads the preview
(errors by row and column, in Vietnamese), confirms, watches the progress the real Celery
worker reports, and sees the import done."""

import pytest

from customers.core.roles import Role
from customers.models import Customer, ImportBatch
from tests.customers.import_files import bad_rows, good_row, xlsx_bytes
from tests.customers.test_request_screen_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = 3000


def test_preview_confirm_progress_done(
    live_server, page, staff_user, seeded, celery_worker, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    sales = staff_user(role=Role.SALES.value, username="kinhdoanh")
    sign_in(page, live_server.url, sales)
    path = tmp_path / "khach-hang.xlsx"
    path.write_bytes(xlsx_bytes([good_row(n) for n in range(1, ROWS + 1)] + bad_rows()[:1]))

    page.goto(live_server.url + "/admin/customers/importbatch/add/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp mẫu (xlsx)").click()
    assert download.value.suggested_filename == "mau-nhap-khach-hang.xlsx"
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Tải lên và xem trước").click()

    # The worker reads the file; the page follows it until the preview is ready.
    page.get_by_text("Đã có bản xem trước: chờ xác nhận").wait_for(timeout=120_000)
    counts = page.locator("#import-counts").inner_text()
    assert f"Khách hàng mới\t{ROWS}" in counts and "Dòng có lỗi (không nhập)\t1" in counts
    issues = page.locator("#import-issues").inner_text()
    assert "Địa chỉ email này không hợp lệ." in issues and "Email" in issues
    assert not Customer.objects.exists()  # nothing written before a person confirms

    page.get_by_role("button", name="Nhập các dòng không có lỗi").click()
    assert page.locator("#import-status").inner_text() in {"Đang nhập", "Đã nhập"}
    if page.locator("#import-status").inner_text() == "Đang nhập":
        assert page.locator("progress").is_visible()
    page.get_by_text("Đã nhập", exact=True).wait_for(timeout=180_000)
    batch = ImportBatch.objects.get()
    assert batch.customers_created == ROWS and not batch.file
    assert Customer.objects.count() == ROWS
    assert page.get_by_role("button", name="Hoàn tác lô nhập này").is_visible()
