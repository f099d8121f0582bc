"""The inspection pack (Decree 356 Art 31): one zip of the current dossiers and registers,
with a manifest of SHA-256 sums; building it is written to the access log."""

import csv
import datetime
import hashlib
import io
import zipfile

from django.utils import timezone, translation

from customers.audit.services import access_log, access_log_verify
from customers.consents.models import ConsentEvent, Purpose
from customers.core.actors import Actor
from customers.core.labels import actor_name, field_labels
from customers.core.spreadsheet import spreadsheet_row
from customers.models import AccessLogEntry, DataRequest, Incident
from privacysite.display import when

EXTRACT_DAYS = 365


def _csv(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(spreadsheet_row(header))
    writer.writerows(spreadsheet_row(row) for row in rows)
    # A BOM so that spreadsheet programs read the Vietnamese correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# What an inspector reads: words for codes, Vietnam time as dd/mm/yyyy HH:MM (the pack is
# built with Vietnamese active).
def _local(value):
    return when(value) if value else ""


def _day(value):
    return value.strftime("%d/%m/%Y") if value else ""


def _label(choices, code):
    try:
        return str(choices(code).label)
    except ValueError:
        return code or ""


LANGUAGES = {"vi": "Tiếng Việt", "en": "Tiếng Anh"}


def _requests():
    rows = DataRequest.objects.order_by("received_at").values_list(
        "reference",
        "kind",
        "status",
        "received_at",
        "due_on",
        "extended_until",
        "closed_at",
        "customer_id",
    )
    return _csv(
        [
            "Mã",
            "Loại",
            "Trạng thái",
            "Tiếp nhận",
            "Hạn",
            "Gia hạn đến",
            "Đóng lúc",
            "Trễ hạn",
            "Mã khách hàng",
        ],
        [
            [
                ref,
                _label(DataRequest.Kind, kind),
                _label(DataRequest.Status, status),
                _local(rec),
                _day(due),
                _day(ext),
                _local(closed),
                "có" if closed and timezone.localtime(closed).date() > (ext or due) else "",
                customer,
            ]
            for ref, kind, status, rec, due, ext, closed, customer in rows
        ],
    )


def _incidents(zf, write):
    rows = []
    for inc in Incident.objects.order_by("detected_at").prefetch_related("notices"):
        notified = inc.authority_notified_at
        hours = round((notified - inc.detected_at).total_seconds() / 3600, 1) if notified else ""
        rows.append(
            [
                inc.pk,
                inc.get_status_display(),
                _local(inc.detected_at),
                _local(inc.occurred_at),
                inc.place,
                inc.data_categories,
                inc.volume,
                inc.consequences,
                inc.measures,
                _local(notified),
                hours,
                inc.late_notice_reason,
                _local(inc.closed_at),
            ]
        )
        if inc.record_document:  # the signed record (biên bản), as uploaded
            with inc.record_document.open("rb") as document:
                name = inc.record_document.name.rsplit("/", 1)[-1]
                write(f"su_co/su_co_{inc.pk}_bien_ban_{name}", document.read())
        for n, notice in enumerate(inc.notices.all(), start=1):
            write(f"su_co/su_co_{inc.pk}_thong_bao_{n}.txt", notice.content.encode("utf-8"))
    write(
        "su_co/danh_sach_su_co.csv",
        _csv(
            [
                "Số",
                "Trạng thái",
                "Phát hiện",
                "Xảy ra",
                "Nơi",
                "Loại dữ liệu",
                "Số người",
                "Hậu quả",
                "Biện pháp",
                "Thông báo cơ quan",
                "Sau (giờ)",
                "Lý do trễ",
                "Đóng",
            ],
            rows,
        ),
    )


def _consent_ledger(since):
    purposes = dict(Purpose.objects.values_list("pk", "name_vi"))
    rows = (
        ConsentEvent.objects.filter(created_at__gte=since)
        .order_by("created_at", "id")
        .values_list(
            "id",
            "created_at",
            "customer_id",
            "purpose_id",
            "action",
            "policy_version__number",
            "wording_hash",
            "language",
            "channel",
        )
    )
    return _csv(
        [
            "Số",
            "Thời điểm",
            "Mã khách hàng",
            "Mục đích",
            "Hành động",
            "Phiên bản chính sách",
            "Mã lời văn",
            "Ngôn ngữ",
            "Kênh",
        ],
        (
            [
                i,
                _local(at),
                customer,
                purposes.get(purpose, ""),
                _label(ConsentEvent.Action, action),
                policy,
                wording,
                LANGUAGES.get(language, language),
                _label(ConsentEvent.Channel, channel),
            ]
            for i, at, customer, purpose, action, policy, wording, language, channel in rows.iterator(
                chunk_size=5000
            )
        ),
    )


def _access_log(since):
    rows = (
        AccessLogEntry.objects.filter(at__gte=since)
        .order_by("at", "id")
        .values_list(
            "id",
            "at",
            "actor_label",
            "action",
            "customer_ids",
            "fields",
            "reason",
            "seal_seq",
            "hash",
        )
    )
    return _csv(
        [
            "Số",
            "Thời điểm",
            "Nhân viên",
            "Hành động",
            "Số khách hàng",
            "Trường",
            "Lý do",
            "Vị trí trong chuỗi niêm phong",
            "Mã kiểm tra của chuỗi",
        ],
        (
            [
                i,
                _local(at),
                actor_name(who),
                _label(AccessLogEntry.Action, act),
                len(ids or []),
                field_labels(fields),
                why,
                seq or "",
                h,
            ]
            for i, at, who, act, ids, fields, why, seq, h in rows.iterator(chunk_size=5000)
        ),
    )


def inspection_pack(*, facts: dict, number: int, actor, dossiers: list[tuple[str, bytes]]) -> bytes:
    """The zip's bytes: ``dossiers`` (file name, content) and the registers (requests,
    incidents, extracts of the consent ledger and the access log)."""
    actor = Actor.of(actor).require("dpo.add_dossierversion")
    with translation.override("vi"):
        content = _pack(facts, number, dossiers)
    access_log(
        actor=actor,
        action=AccessLogEntry.Action.EXPORT,
        reason=f"inspection pack v{number}",
    )
    return content


def _pack(facts, number, dossiers) -> bytes:
    since = timezone.now() - datetime.timedelta(days=EXTRACT_DAYS)
    sums, buffer = [], io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:

        def write(name, data):
            zf.writestr(name, data)
            sums.append(f"{hashlib.sha256(data).hexdigest()}  {name}")

        for name, content in dossiers:
            write(f"ho_so/{name}", content)
        write("so_yeu_cau.csv", _requests())
        _incidents(zf, write)
        write("so_dong_y_trich.csv", _consent_ledger(since))
        write("nhat_ky_truy_cap_trich.csv", _access_log(since))
        check = access_log_verify()
        verdict = "NGUYÊN VẸN" if check.ok else "CÓ VẤN ĐỀ"
        write(
            "nhat_ky_truy_cap_kiem_tra_chuoi.txt",
            (
                f"Kiểm tra chuỗi nhật ký truy cập: {verdict}\n"
                f"Số mục đã kiểm tra: {check.checked}\n"
                f"Đầu chuỗi: {check.head_seq}:{check.head_hash}\n"
                + "".join(f"- {p}\n" for p in check.problems)
            ).encode("utf-8"),
        )
        write(
            "thong_tin.txt",
            (
                f"Gói hồ sơ phục vụ thanh tra, phiên bản {number}\n"
                f"Tổ chức: {facts['org']['name']}\n"
                f"Người bảo vệ dữ liệu: {facts['dpo']['name']} ({facts['dpo']['email']})\n"
                f"Lập lúc: {facts['generated']}\n"
                f"Trích sổ đồng ý và nhật ký truy cập từ {timezone.localtime(since):%d/%m/%Y}\n"
                "Kiểm tra: sha256sum -c MANIFEST.sha256\n"
            ).encode(),
        )
        zf.writestr("MANIFEST.sha256", "\n".join(sums) + "\n")
    return buffer.getvalue()
