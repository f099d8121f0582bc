"""The retention rules' legal bases and the DPO's default title in Vietnamese (issue 33): the
dossiers print them. A value still holding the English default is rewritten; one staff
edited is left as it is."""

from django.db import migrations

BASES = [
    (
        "Company policy published in the privacy policy (no law sets 12 months); Law 91/2025 Art 14(1)",
        "Chính sách của công ty, công bố trong Chính sách bảo mật (không có luật nào quy định 12 tháng); Luật 91/2025 Điều 14 khoản 1",
    ),
    (
        "Company policy published in the privacy policy: deletion when the service ends; Law 91/2025 Art 14(1)",
        "Chính sách của công ty, công bố trong Chính sách bảo mật: xóa khi dịch vụ kết thúc; Luật 91/2025 Điều 14 khoản 1",
    ),
    (
        "Accounting Law 88/2015 Art 41(5)(a); Decree 174/2016 Art 12",
        "Luật Kế toán 88/2015 Điều 41 khoản 5 điểm a; Nghị định 174/2016 Điều 12",
    ),
    (
        "Accounting Law 88/2015 Art 41(5)(b); Decree 174/2016 Art 13",
        "Luật Kế toán 88/2015 Điều 41 khoản 5 điểm b; Nghị định 174/2016 Điều 13",
    ),
    (
        "Accounting Law 88/2015 Art 41(5)(c); Decree 174/2016 Art 14",
        "Luật Kế toán 88/2015 Điều 41 khoản 5 điểm c; Nghị định 174/2016 Điều 14",
    ),
    (
        "Evidence of what was submitted; kept while a dispute is plausible",
        "Bằng chứng về nội dung khách hàng đã gửi; lưu trong thời gian có thể phát sinh tranh chấp",
    ),
    (
        "Proof of consent (Decree 356 Art 6(2)); choices are asked again after 12 months",
        "Bằng chứng về sự đồng ý (Nghị định 356/2025 Điều 6 khoản 2); lựa chọn được hỏi lại sau 12 tháng",
    ),
    (
        "System logs at least 12 months (Decree 53/2022); burden of proof",
        "Nhật ký hệ thống lưu ít nhất 12 tháng (Nghị định 53/2022); nghĩa vụ chứng minh",
    ),
    (
        "Proof that requests were answered in time (limitation period for claims)",
        "Bằng chứng các yêu cầu đã được trả lời đúng hạn (trong thời hiệu khởi kiện)",
    ),
    (
        "Breach files at least 5 years after remediation (Decree 356 Art 29)",
        "Hồ sơ sự cố lưu ít nhất 5 năm sau khi khắc phục (Nghị định 356/2025 Điều 29)",
    ),
    (
        "Registration and refusal records at least 1 year (Decree 91/2020). Kept: the ledger proves each current consent, and an erased customer's events hold no personal data",
        "Hồ sơ đăng ký và từ chối nhận quảng cáo lưu ít nhất 1 năm (Nghị định 91/2020). Giữ lại: sổ đồng ý chứng minh từng sự đồng ý hiện hành, và sự kiện của khách hàng đã xóa không còn dữ liệu cá nhân",
    ),
]


def to_vietnamese(apps, schema_editor):
    rule = apps.get_model("customers", "RetentionRule")
    for english, vietnamese in BASES:
        rule.objects.filter(legal_basis=english).update(legal_basis=vietnamese)
    # The DPO's title as the settings once defaulted it, in English on the dossiers.
    apps.get_model("customers", "CompanyProfile").objects.filter(
        dpo_title="Data protection officer"
    ).update(dpo_title="Người bảo vệ dữ liệu cá nhân")


def to_english(apps, schema_editor):
    rule = apps.get_model("customers", "RetentionRule")
    for english, vietnamese in BASES:
        rule.objects.filter(legal_basis=vietnamese).update(legal_basis=english)


class Migration(migrations.Migration):
    dependencies = [("customers", "0028_company_profile")]

    operations = [migrations.RunPython(to_vietnamese, to_english)]
