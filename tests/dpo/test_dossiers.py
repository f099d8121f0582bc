"""The dossiers a DPO files, built by ``manage.py dossier`` from the live data and read back
as a reader would: text extracted from the PDF, cells from the spreadsheet, the zip's files."""

import hashlib
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from customers.consents.models import Purpose
from customers.models import AccessLogEntry, Recipient, RetentionRule
from dpo.diagram import data_flow_svg
from dpo.models import DossierVersion

pytestmark = pytest.mark.django_db

DPIA_SECTIONS = [
    "Mẫu số 10",
    "Kính gửi:",
    "I. Thông tin về tổ chức",
    "II. Bộ phận và nhân sự bảo vệ dữ liệu cá nhân",
    "III. Mục đích xử lý, loại dữ liệu cá nhân và hoạt động xử lý",
    "IV. Sơ đồ luồng dữ liệu",
    "V. Tổ chức, cá nhân nhận dữ liệu cá nhân",
    "VI. Chuyển dữ liệu cá nhân ra nước ngoài",
    "VII. Cách thức lấy sự đồng ý của chủ thể dữ liệu",
    "VIII. Thời hạn lưu trữ, xóa và hủy dữ liệu",
    "IX. Biện pháp bảo vệ dữ liệu cá nhân",
    "X. Kết quả thực hiện bảo vệ dữ liệu cá nhân",
    "XI. Đánh giá tác động, hậu quả có thể xảy ra và biện pháp giảm thiểu rủi ro",
    "XII. Thay đổi so với phiên bản đã nộp gần nhất",
    "XIII. Cam kết",
    "NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT CỦA TỔ CHỨC",
]


def pdf_text(path) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(text.split())


def build(kind, tmp_path, ext="pdf"):
    out = tmp_path / f"{kind}.{ext}"
    call_command("dossier", kind, "-o", str(out), stdout=io.StringIO())
    return out


@pytest.mark.slow
def test_dpia_pdf_has_every_section_and_the_live_values(live_data, tmp_path, settings):
    settings.DPO = {"name": "Nguyễn Thị Hạnh", "title": "DPO", "email": "dpo@antam.vn", "phone": ""}
    RetentionRule.objects.filter(category="customer").update(period_months=18)
    text = pdf_text(build("dpia", tmp_path))

    for heading in DPIA_SECTIONS:
        assert heading in text, heading
    assert settings.ORGANISATION["name"] in text
    assert "Nguyễn Thị Hạnh" in text and "dpo@antam.vn" in text
    for purpose in Purpose.objects.filter(active=True):
        assert purpose.name_vi in text
    # Live values: the two customers who agreed, the retention rule as edited, the late
    # answer and the incident notified after 80 hours.
    assert "18 tháng" in text
    assert "1 trả lời trễ hạn" in text
    assert "80,0 giờ (quá 72 giờ)" in text  # Vietnamese decimal comma
    assert "Chưa có đánh giá rủi ro được ký" in text
    # Security measures as configured: the backup unit's expiry, the keys in use.
    assert "mỗi bản sao lưu được giữ 35 ngày" in text
    assert f"{len(settings.FIELD_ENCRYPTION_KEYS)} khóa mã hóa đang dùng" in text
    # Consent wording in force, as the customer saw it.
    wording = " ".join(live_data["email_purpose"].description_vi.split())
    assert wording[:60] in text
    version = DossierVersion.objects.get(kind="dpia")
    assert version.number == 1 and version.status == DossierVersion.Status.GENERATED
    assert hashlib.sha256(version.file.read()).hexdigest() == version.sha256


@pytest.mark.slow  # renders the dossier's PDF (in make test, not make test-fast)
def test_the_diagram_names_every_recipient_with_where_it_is_hosted(live_data, tmp_path):
    from dpo import selectors

    selectors.profile()
    recipients = selectors.recipients()
    svg = data_flow_svg(recipients=recipients, system_hosting="Việt Nam")
    assert "<script" not in svg
    for recipient in Recipient.objects.all():
        assert recipient.name in svg
    assert "Nước ngoài" in svg
    # And in the PDF: once in the diagram, once in the table beneath it; our own stores are
    # where the profile says.
    selectors.ComplianceProfile.objects.filter(pk=1).update(system_hosting="Singapore")
    text = pdf_text(build("dpia", tmp_path))
    assert text.count("Mailgun Frankfurt") >= 2
    assert "Kho lưu trữ (đặt tại Singapore)" in text


def test_missing_dpo_contact_stops_with_a_clear_message_and_saves_nothing(
    live_data, tmp_path, settings
):
    settings.DPO = {"name": "", "title": "", "email": "", "phone": ""}
    out = tmp_path / "dpia.pdf"
    with pytest.raises(CommandError, match="Hồ sơ công ty"):
        call_command("dossier", "dpia", "-o", str(out))
    assert not out.exists()
    assert not DossierVersion.objects.exists()


def test_no_purpose_of_processing_stops_the_register(live_data, tmp_path):
    Purpose.objects.update(active=False)
    with pytest.raises(CommandError, match="Chưa có mục đích xử lý"):
        call_command("dossier", "ropa", "-o", str(tmp_path / "ropa.xlsx"))


def test_the_wrong_file_type_is_refused(live_data, tmp_path):
    with pytest.raises(CommandError, match=r"\.xlsx"):
        call_command("dossier", "ropa", "-o", str(tmp_path / "ropa.pdf"))


def test_tia_covers_each_recipient_hosted_abroad_and_no_other(live_data, tmp_path):
    text = pdf_text(build("tia", tmp_path))
    for heading in (
        "Mẫu số 09",
        "I. Thông tin về tổ chức",
        "II. Bộ phận và nhân sự bảo vệ dữ liệu cá nhân",
        "III. Bên nhận dữ liệu cá nhân ở nước ngoài",
        "IV. Biện pháp bảo vệ dữ liệu cá nhân",
        "V. Đánh giá tác động, hậu quả có thể xảy ra và biện pháp giảm thiểu rủi ro",
        "VI. Sự đồng ý của chủ thể dữ liệu và cách phản hồi",
        "VII. Thay đổi so với phiên bản đã nộp gần nhất",
        "VIII. Cam kết",
    ):
        assert heading in text, heading
    assert "RA NƯỚC NGOÀI" in text
    assert "Mailgun Frankfurt" in text
    assert "Hạ tầng Thư Việt" not in text
    assert "Chưa có: cần ký trước khi chuyển dữ liệu" in text  # no agreement on file


def test_tia_without_any_recipient_abroad_says_so(live_data, tmp_path):
    Recipient.objects.filter(hosted_in=Recipient.Hosting.ABROAD).delete()
    with pytest.raises(CommandError, match="nước ngoài"):
        call_command("dossier", "tia", "-o", str(tmp_path / "tia.pdf"))


def test_register_spreadsheet_has_one_row_per_purpose(live_data, tmp_path):
    sheet = load_workbook(build("ropa", tmp_path, "xlsx"))["Sổ đăng ký xử lý"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Mục đích", "Cơ sở pháp lý", "Loại dữ liệu", "Bên nhận")
    by_purpose = {row[0]: row for row in rows[1:]}
    assert set(by_purpose) == set(
        Purpose.objects.filter(active=True).values_list("name_vi", flat=True)
    )
    email_row = by_purpose[live_data["email_purpose"].name_vi]
    assert "Mailgun Frankfurt" in email_row[3]
    assert "Mailgun Frankfurt: Nước ngoài" in email_row[4]
    assert email_row[5].startswith("12 tháng")
    recipients = load_workbook(tmp_path / "ropa.xlsx")["Bên nhận"]
    names = [row[0] for row in recipients.iter_rows(min_row=2, values_only=True)]
    assert names == ["Hạ tầng Thư Việt", "Mailgun Frankfurt"]


@pytest.mark.slow  # renders the dossier's PDF (in make test, not make test-fast)
def test_inspection_pack_checks_out_and_is_logged(live_data, tmp_path):
    out = build("inspection", tmp_path, "zip")
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        manifest = zf.read("MANIFEST.sha256").decode().splitlines()
        assert len(manifest) == len(names) - 1
        for line in manifest:
            digest, name = line.split("  ", 1)
            assert hashlib.sha256(zf.read(name)).hexdigest() == digest, name
        assert {"so_yeu_cau.csv", "so_dong_y_trich.csv", "nhat_ky_truy_cap_trich.csv"} <= names
        assert {"ho_so/dpia-v1.pdf", "ho_so/ropa-v1.xlsx", "ho_so/tia-v1.pdf"} <= names
        assert "YC-LATE-1" in zf.read("so_yeu_cau.csv").decode("utf-8-sig")
        ledger = zf.read("so_dong_y_trich.csv").decode("utf-8-sig")
        assert ledger.count("Đồng ý") == 2  # the action in words, not its code
        chain = zf.read("nhat_ky_truy_cap_kiem_tra_chuoi.txt").decode()
        assert "NGUYÊN VẸN" in chain
        incidents = zf.read("su_co/danh_sach_su_co.csv").decode("utf-8-sig")
        assert "80.0" in incidents and "laptop lost" not in incidents
    entry = AccessLogEntry.objects.get(action=AccessLogEntry.Action.EXPORT)
    assert entry.reason == "inspection pack v1"
