"""Dossier files: PDF (WeasyPrint, HTML templates, DejaVu Sans for Vietnamese) and the
register as a spreadsheet (openpyxl)."""

import io
import logging

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from weasyprint import HTML

from customers.core.spreadsheet import spreadsheet_row
from dpo import filing
from dpo.diagram import data_flow_svg

# WeasyPrint reports each layout step at INFO: one line per page would flood the logs.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# (title, subtitle, form, number of the commitment section) of each filing; the structure
# follows Decree 356/2025's forms as docs/legal.md §7.7 and §7.9 describe them.
TITLES = {
    "dpia": (
        "HỒ SƠ ĐÁNH GIÁ TÁC ĐỘNG XỬ LÝ DỮ LIỆU CÁ NHÂN",
        "Theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 Điều 21 và Nghị định số "
        "356/2025/NĐ-CP Điều 19",
        "Mẫu số 10",
        "XIII",
    ),
    "tia": (
        "HỒ SƠ ĐÁNH GIÁ TÁC ĐỘNG CHUYỂN DỮ LIỆU CÁ NHÂN RA NƯỚC NGOÀI",
        "Theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 Điều 20 và Nghị định số "
        "356/2025/NĐ-CP Điều 17, 18",
        "Mẫu số 09",
        "VIII",
    ),
    "ropa": ("SỔ ĐĂNG KÝ HOẠT ĐỘNG XỬ LÝ DỮ LIỆU CÁ NHÂN", "", "", ""),
}


def pdf(kind: str, facts: dict, *, version: int, changes: list[str], last_filed=None) -> bytes:
    title, subtitle, form_name, commitment_no = TITLES[kind]
    context = {
        **facts,
        "title": title,
        "subtitle": subtitle,
        "form_name": form_name,
        "commitment_no": commitment_no,
        "missing": filing.missing(kind, facts),
        "version": version,
        "changes": changes,
        "last_filed": last_filed,
    }
    with translation.override("vi"):
        if kind == "dpia":
            # Graphviz writes the SVG from our own data (names escaped by Graphviz): no script.
            svg = data_flow_svg(
                recipients=facts["recipients"], system_hosting=facts["system_hosting"]
            )
            context["diagram"] = mark_safe(svg)  # noqa: S308  # nosec B308 B703
        html = render_to_string(f"dpo/{kind}.html", context)
    return HTML(string=html).write_pdf()


def _sheet(wb, title, header, rows, widths):
    ws = wb.create_sheet(title)
    ws.append(spreadsheet_row(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(spreadsheet_row(row))
    for col, width in zip("ABCDEFGH", widths, strict=False):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    return ws


def xlsx(facts: dict, *, version: int) -> bytes:
    """The register of processing activities, editable: one row per purpose."""
    wb = Workbook()
    wb.remove(wb.active)
    hosting = {r["name"]: r["hosted_label"] for r in facts["recipients"]}
    _sheet(
        wb,
        "Sổ đăng ký xử lý",
        [
            "Mục đích",
            "Cơ sở pháp lý",
            "Loại dữ liệu",
            "Bên nhận",
            "Nơi lưu trữ của bên nhận",
            "Thời hạn lưu trữ",
            "Lời văn đồng ý hiện hành",
        ],
        [
            [
                p["name"],
                p["basis_label"],
                ", ".join(p["data"]),
                ", ".join(p["recipients"]) or "Không có",
                ", ".join(f"{n}: {hosting[n]}" for n in p["recipients"]) or "—",
                facts["customer_retention"],
                p["wording"],
            ]
            for p in facts["purposes"]
        ],
        [28, 20, 40, 30, 30, 24, 60],
    )
    _sheet(
        wb,
        "Trường dữ liệu",
        ["Kho lưu trữ", "Trường", "Loại", "Mã hóa"],
        [
            [
                f["store_label"],
                f["label"],
                "Nhạy cảm" if f["sensitive"] else "Cơ bản",
                "Có" if f["encrypted"] else "Không",
            ]
            for f in facts["fields"]
        ],
        [30, 30, 12, 10],
    )
    _sheet(
        wb,
        "Bên nhận",
        ["Bên nhận", "Loại", "Nước", "Địa chỉ", "Mục đích", "Dữ liệu", "Thỏa thuận ngày"],
        [
            [
                r["name"],
                r["kind_label"],
                r["country"] or r["hosted_label"],
                r["address"],
                r["purpose"],
                r["data"],
                r["agreement_date"] or "Chưa có",
            ]
            for r in facts["recipients"]
        ],
        [28, 24, 14, 30, 40, 40, 16],
    )
    _sheet(
        wb,
        "Lưu trữ và xóa",
        ["Loại dữ liệu", "Thời hạn (tháng)", "Tính từ", "Hành động", "Căn cứ"],
        [
            [
                r["label"],
                r["months"] if r["months"] is not None else "Vĩnh viễn",
                r["anchor"],
                r["action"],
                r["basis"],
            ]
            for r in facts["retention"]
        ],
        [34, 16, 30, 34, 60],
    )
    info = wb.create_sheet("Thông tin", 0)
    info.append(["SỔ ĐĂNG KÝ HOẠT ĐỘNG XỬ LÝ DỮ LIỆU CÁ NHÂN"])
    info["A1"].font = Font(bold=True, size=13)
    for label, value in [
        ("Tổ chức", facts["org"]["name"]),
        ("Địa chỉ", facts["org"]["address"]),
        ("Người đại diện theo pháp luật", facts["org"]["legal_representative"]),
        ("Người bảo vệ dữ liệu", facts["dpo"]["name"]),
        ("Người phụ trách", facts["dpo"]["person"]),
        ("Liên hệ", f"{facts['dpo']['email']} · {facts['dpo']['phone']}"),
        ("Phiên bản", version),
        ("Lập lúc", facts["generated"]),
    ]:
        info.append(spreadsheet_row([label, value]))
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 70
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
