"""What an inspector receives (issue 33): the DPIA and TIA are rendered to PNG (pdftoppm, so
that every page lays out) and their text is read (pdftotext) as a person reads it: no English
word, ISO date, JSON, hex code or technical jargon; each is a filing (addressee, place and
date, commitment, the legal representative's signature block with the seal), with the
company's details from the company profile, recipients per purpose, each transfer with its
country, and one description of the security measures in both. The register and the
inspection pack's CSVs are read the same way."""

import csv
import io
import re
import shutil
import subprocess
import zipfile

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from customers.core.roles import Role
from tests.dpo.conftest import ready_to_file
from tests.privacysite.plain_language import problems

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils is not installed"),
]

# Words an official does not read, and English that reached the dossiers once.
JARGON = [
    "Fernet", "HMAC", "chỉ mục mù", "TOTP", "TLS", "HSTS", "pg_dump", "rotate_encryption_keys",
    "Data protection officer", "Company policy", "Accounting Law", "Decree", "Art",
    "Proof of", "System logs", "Evidence", "Breach files", "Registration and refusal",
]  # fmt: skip
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2})?")
HEX = re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{10,}\b")
# Codes the CSVs once held instead of words.
CODES = ["correction", "rejected", "marketing_email", "granted", "web_form", "view", "access"]


def unreadable(text: str) -> list[str]:
    found = problems(text)
    found += [f"jargon {w!r}" for w in JARGON if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)]
    found += [f"iso {m.group(0)!r}" for m in ISO.finditer(text)]
    found += [f"hex {m.group(0)!r}" for m in HEX.finditer(text)]
    return found


def read_pdf(version, tmp_path) -> str:
    path = tmp_path / version.filename
    with version.file.open("rb") as f:
        path.write_bytes(f.read())
    subprocess.run(  # noqa: S603  (fixed arguments, our own file)
        ["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / version.kind)],  # noqa: S607
        check=True,
    )
    assert list(tmp_path.glob(f"{version.kind}*.png")), "no page rendered"
    out = subprocess.run(  # noqa: S603
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return " ".join(out.split())


@pytest.fixture
def dpo(live_data, staff_user):
    user = staff_user(role=Role.DPO.value, username="baovedulieu")
    user.first_name, user.last_name = "Hà", "Lê Thu"
    user.save()
    ready_to_file(user)
    return user


def test_the_dpia_is_a_filing_in_plain_vietnamese(dpo, tmp_path):
    from dpo.services.dossiers import dossier_generate

    text = read_pdf(dossier_generate(kind="dpia", actor=dpo), tmp_path)
    assert not unreadable(text), unreadable(text)
    for part in (
        "Mẫu số 10",
        "Kính gửi: Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (A05)",
        "Bộ Công an",
        "Cam kết",
        "NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT CỦA TỔ CHỨC",
        "đóng dấu",
        "Phạm Minh Tuấn",
        "Dịch vụ công nghệ thông tin",
        "https://antam.example.vn",
        "Lê Thu Hà",
        "Số 12/QĐ-AT ngày 02/01/2026",
        "Người bảo vệ dữ liệu cá nhân",
    ):
        assert part in text, part
    assert re.search(r"TP\. Hồ Chí Minh, ngày \d\d tháng \d\d năm 20\d\d", text)
    assert "Ngày 05/01/2026" in text  # the agreement's date, as people write it
    assert "Luật Kế toán" in text and "Căn cứ" in text


def test_the_dpia_lists_each_recipient_under_the_purposes_it_serves(dpo):
    from dpo import facts

    rows = {p["code"]: p["recipients"] for p in facts.build("dpia")["purposes"]}
    assert "Mailgun Frankfurt" in rows["marketing_email"]
    assert "Mailgun Frankfurt" not in rows["service"]
    assert "Hạ tầng Thư Việt" in rows["service"]


def test_the_tia_names_each_transfer_in_plain_vietnamese(dpo, tmp_path):
    from dpo.services.dossiers import dossier_generate

    dpia = dossier_generate(kind="dpia", actor=dpo)
    tia = dossier_generate(kind="tia", actor=dpo)
    text = read_pdf(tia, tmp_path)
    assert not unreadable(text), unreadable(text)
    for part in (
        "Mẫu số 09",
        "Kính gửi",
        "Nước tiếp nhận dữ liệu Đức",
        "Friedrichstraße 1",
        "privacy@mailgun.example.com",
        "Cơ sở pháp lý của việc chuyển",
        "Số chủ thể dữ liệu",
        "Ký ngày 01/02/2026",
        "NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT CỦA TỔ CHỨC",
    ):
        assert part in text, part
    # One description of the connections, the same in both dossiers.
    assert tia.facts["security_lines"] == dpia.facts["security_lines"]
    network = next(s for s in tia.facts["security_lines"] if s["measure"] == "Kết nối mạng")
    assert " ".join(network["state"].split()) in text


def test_a_dossier_with_an_empty_required_part_is_not_filed(live_data, staff_user):
    import datetime

    from django.core.exceptions import ValidationError

    from customers.core.company import company_profile
    from dpo.services import dossiers

    user = staff_user(role=Role.DPO.value, username="dpo-thieu")
    ready_to_file(user)
    company = company_profile()
    company.legal_representative = ""
    company.save()
    version = dossiers.dossier_generate(kind="dpia", actor=user)
    version = dossiers.dossier_review(version=version, actor=user)
    with pytest.raises(ValidationError, match="người đại diện theo pháp luật.*Hồ sơ công ty"):
        dossiers.dossier_sign(version=version, actor=user)
    type(version).objects.filter(pk=version.pk).update(status="signed")
    with pytest.raises(ValidationError, match="chưa thể nộp"):
        dossiers.dossier_file(
            version=version, actor=user, filed_on=datetime.date(2026, 3, 1), reference="02a/1"
        )
    version.refresh_from_db()
    assert version.status == "signed"


def test_the_register_and_the_inspection_csvs_are_in_words(dpo, settings):
    from customers.audit.services import access_log
    from customers.requests.services import request_open
    from dpo.services.dossiers import dossier_generate

    customer = get_user_model().objects.none()
    from customers.models import Customer

    customer = Customer.objects.first()
    request_open(customer=customer, kind="correction", details="x", proposed_changes={})
    access_log(actor=dpo, action="view", customers=[customer], fields=["full_name"])
    ropa = dossier_generate(kind="ropa", actor=dpo)
    with ropa.file.open("rb") as f:
        book = load_workbook(io.BytesIO(f.read()))
    cells = " ".join(
        str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value
    )
    assert not unreadable(cells), unreadable(cells)
    pack = dossier_generate(kind="inspection", actor=dpo)
    with pack.file.open("rb") as f:
        archive = zipfile.ZipFile(io.BytesIO(f.read()))
    for name in archive.namelist():
        if not name.endswith(".csv"):
            continue
        rows = list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
        text = " | ".join(" ; ".join(row[:-1] if "truy_cap" in name else row) for row in rows)
        bad = [f"code {c!r}" for c in CODES if re.search(rf"(?<![\w-]){c}(?![\w-])", text)]
        bad += [f"iso {m.group(0)!r}" for m in ISO.finditer(text)]
        assert not bad, (name, bad)
