"""What makes a dossier a filing (issue 33; docs/legal.md §7.7, §7.9): the addressee, the
place-and-date line, the security measures in words an official reads (one list for the DPIA
and the TIA, drawn from the same settings), each transfer abroad with its country, basis and
subjects, and the parts a filing must not leave empty. Plain functions over the facts."""

import datetime

# The authority that receives DPIA and TIA filings (Law 91 Art 33(1)(a); Decree 356 Art 39).
ADDRESSEE = "Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (A05) – Bộ Công an"


def place(address: str) -> str:
    """The place of the date line: the province or city, the last part of the head-office
    address ("…, Phường Bến Thành, TP. Hồ Chí Minh" → "TP. Hồ Chí Minh")."""
    parts = [p.strip() for p in (address or "").split(",") if p.strip()]
    return parts[-1] if parts else ""


def date_line(address: str, day: datetime.date) -> str:
    """ "TP. Hồ Chí Minh, ngày 06 tháng 12 năm 2026", as Vietnamese official papers date."""
    where = place(address)
    text = f"ngày {day:%d} tháng {day:%m} năm {day:%Y}"
    return f"{where}, {text}" if where else text.capitalize()


def security_lines(sec: dict) -> list[dict]:
    """The measures actually on, in words: (measure, what is in place, whether it is fully
    in place). Both dossiers print this same list."""
    transport_ok = sec["tls_redirect"] and sec["hsts_seconds"] > 0 and sec["secure_cookies"]
    lines = [
        (
            "Mã hóa dữ liệu khi lưu trữ",
            f"{sec['encrypted_fields']}/{sec['personal_fields']} loại thông tin cá nhân được mã "
            "hóa trong cơ sở dữ liệu; tìm kiếm theo email, điện thoại, mã số thuế dùng mã đối "
            "chiếu một chiều, không cần giải mã dữ liệu.",
            True,
        ),
        (
            "Quản lý khóa mã hóa",
            f"{sec['encryption_keys']} khóa mã hóa đang dùng; khi thay khóa, toàn bộ dữ liệu "
            "được mã hóa lại bằng khóa mới.",
            True,
        ),
        (
            "Đăng nhập của nhân viên",
            "Mật khẩu và mã xác thực một lần trên điện thoại (xác thực hai bước), bắt buộc "
            f"với mọi nhân viên; {sec['staff_with_2fa']}/{sec['staff']} nhân viên đã kích hoạt.",
            sec["staff_with_2fa"] >= sec["staff"],
        ),
        (
            "Nhật ký truy cập",
            "Mọi lần nhân viên xem, tìm, xuất hoặc sửa dữ liệu khách hàng đều được ghi lại và "
            f"niêm phong để không thể sửa đổi; đã niêm phong {sec['chain_head']} lượt"
            + (f", lần gần nhất lúc {sec['chain_updated']}." if sec["chain_updated"] else "."),
            True,
        ),
        (
            "Sao lưu",
            f"Sao lưu toàn bộ cơ sở dữ liệu mỗi đêm; mỗi bản sao lưu được giữ "
            f"{sec['backup_days']} ngày rồi xóa."
            if sec["backup_days"]
            else "Chưa có cấu hình sao lưu.",
            bool(sec["backup_days"]),
        ),
        (
            "Kết nối mạng",
            "Mọi kết nối đến trang web và trang quản trị đều được mã hóa; trình duyệt được "
            "yêu cầu chỉ dùng kết nối mã hóa; phiên đăng nhập chỉ gửi qua kết nối mã hóa."
            if transport_ok
            else "Máy chủ ứng dụng chưa bắt buộc kết nối mã hóa cho mọi truy cập (cần bật "
            "trước khi vận hành chính thức).",
            transport_ok,
        ),
    ]
    return [{"measure": m, "state": s, "ok": ok} for m, s, ok in lines]


def transfers(facts: dict, active_customers: int) -> list[dict]:
    """Each recipient abroad, with what the TIA names: the purposes it serves (and their
    legal bases: the basis of the transfer), and how many data subjects at most."""
    by_code = {p["code"]: p for p in facts["purposes"]}
    rows = []
    for r in facts["recipients"]:
        if not r["abroad"]:
            continue
        served = [by_code[c] for c in r["purpose_codes"] if c in by_code]
        subjects = max(
            [p["granted_now"] if p["optional"] else active_customers for p in served] or [0]
        )
        rows.append(
            {
                **r,
                "purposes": [p["name"] for p in served],
                "bases": [
                    f"{p['name']}: {p['basis_label']}"
                    + (f" ({p['granted_now']} khách hàng đã đồng ý)" if p["optional"] else "")
                    for p in served
                ],
                "subjects": subjects,
            }
        )
    return rows


# Where each part is filled in, as the DPO finds it in the admin.
COMPANY = "trang quản trị › Hồ sơ công ty"
REGISTER = "trang quản trị › Bên nhận dữ liệu"
RISK = "trang quản trị › Bảo vệ dữ liệu cá nhân › Đánh giá rủi ro"


def missing(kind: str, facts: dict) -> list[str]:
    """The required parts a DPIA or TIA lacks, each with where to fill it in."""
    if kind not in ("dpia", "tia"):
        return []
    org, dpo = facts.get("org") or {}, facts.get("dpo") or {}
    found = []
    for key, label in (
        ("legal_representative", "người đại diện theo pháp luật"),
        ("legal_representative_title", "chức danh của người đại diện theo pháp luật"),
        ("tax_code", "mã số doanh nghiệp (mã số thuế)"),
        ("business_lines", "ngành nghề kinh doanh"),
    ):
        if not org.get(key):
            found.append(f"{label} ({COMPANY})")
    if not dpo.get("person"):
        found.append(f"họ tên người phụ trách bảo vệ dữ liệu cá nhân ({COMPANY})")
    if not dpo.get("appointment_ref"):
        found.append(f"số và ngày quyết định phân công người bảo vệ dữ liệu ({COMPANY})")
    if not facts.get("risk"):
        found.append(f"đánh giá rủi ro đã ký ({RISK})")
    if kind == "dpia":
        for r in facts.get("recipients", []):
            if not r.get("purpose_codes"):
                found.append(f"mục đích mà bên nhận {r['name']} phục vụ ({REGISTER})")
    if kind == "tia":
        for r in facts.get("abroad", []):
            for key, label in (
                ("country", "nước tiếp nhận"),
                ("address", "địa chỉ"),
                ("contact", "người liên hệ"),
                ("agreement_date", "ngày thỏa thuận bằng văn bản"),
            ):
                if not r.get(key):
                    found.append(f"{label} của bên nhận {r['name']} ({REGISTER})")
            if not r.get("purposes"):
                found.append(f"mục đích mà bên nhận {r['name']} phục vụ ({REGISTER})")
    return found
