"""The retention rules: one row per category, created with the defaults below and then kept
by the data-protection role (periods are data, because the law changes)."""

from customers.models import RetentionRule

C, A, ACT = RetentionRule.Category, RetentionRule.Anchor, RetentionRule.Action

# category: (months, anchor, action, legal basis, legal minimum months, notice days). The
# basis is printed in the dossiers an inspector reads: in Vietnamese.
DEFAULT_RULES = {
    C.CUSTOMER: (
        12,
        A.LAST_ACTIVITY,
        ACT.ERASE,
        "Chính sách của công ty, công bố trong Chính sách bảo mật (không có luật nào quy "
        "định 12 tháng); Luật 91/2025 Điều 14 khoản 1",
        0,
        30,
    ),
    # "Deleted when the service stops" (MMGROUP's policy): a customer whose last service
    # ended is erased after this grace period (final invoice, support questions), unless they
    # come back; customers who never had a service fall under the inactivity rule above.
    C.SERVICE_ENDED: (
        1,
        A.SERVICE_END,
        ACT.ERASE,
        "Chính sách của công ty, công bố trong Chính sách bảo mật: xóa khi dịch vụ kết "
        "thúc; Luật 91/2025 Điều 14 khoản 1",
        0,
        14,
    ),
    C.ACC_5Y: (
        60,
        A.FISCAL_YEAR_END,
        ACT.PROPOSE_DESTRUCTION,
        "Luật Kế toán 88/2015 Điều 41 khoản 5 điểm a; Nghị định 174/2016 Điều 12",
        60,
        0,
    ),
    C.ACC_10Y: (
        120,
        A.FISCAL_YEAR_END,
        ACT.PROPOSE_DESTRUCTION,
        "Luật Kế toán 88/2015 Điều 41 khoản 5 điểm b; Nghị định 174/2016 Điều 13",
        120,
        0,
    ),
    C.ACC_PERMANENT: (
        None,
        A.FISCAL_YEAR_END,
        ACT.KEEP,
        "Luật Kế toán 88/2015 Điều 41 khoản 5 điểm c; Nghị định 174/2016 Điều 14",
        0,
        0,
    ),
    C.SUBMISSION: (
        24,
        A.CREATION,
        ACT.DELETE,
        "Bằng chứng về nội dung khách hàng đã gửi; lưu trong thời gian có thể phát sinh tranh chấp",
        0,
        0,
    ),
    C.COOKIE_CONSENT: (
        24,
        A.CREATION,
        ACT.DELETE,
        "Bằng chứng về sự đồng ý (Nghị định 356/2025 Điều 6 khoản 2); lựa chọn được hỏi "
        "lại sau 12 tháng",
        13,
        0,
    ),
    C.ACCESS_LOG: (
        24,
        A.CREATION,
        ACT.DELETE,
        "Nhật ký hệ thống lưu ít nhất 12 tháng (Nghị định 53/2022); nghĩa vụ chứng minh",
        12,
        0,
    ),
    C.REQUEST: (
        60,
        A.CLOSURE,
        ACT.DELETE,
        "Bằng chứng các yêu cầu đã được trả lời đúng hạn (trong thời hiệu khởi kiện)",
        0,
        0,
    ),
    C.INCIDENT: (
        60,
        A.CLOSURE,
        ACT.DELETE,
        "Hồ sơ sự cố lưu ít nhất 5 năm sau khi khắc phục (Nghị định 356/2025 Điều 29)",
        60,
        0,
    ),
    C.MARKETING_CONSENT: (
        12,
        A.CREATION,
        ACT.KEEP,
        "Hồ sơ đăng ký và từ chối nhận quảng cáo lưu ít nhất 1 năm (Nghị định 91/2020). "
        "Giữ lại: sổ đồng ý chứng minh từng sự đồng ý hiện hành, và sự kiện của khách hàng "
        "đã xóa không còn dữ liệu cá nhân",
        12,
        0,
    ),
}


def retention_rules_ensure() -> None:
    """Create the default rules that are missing; never change a rule staff edited."""
    for category, (months, anchor, action, basis, minimum, notice) in DEFAULT_RULES.items():
        rule, created = RetentionRule.objects.get_or_create(
            category=category,
            defaults={
                "period_months": months,
                "anchor": anchor,
                "action": action,
                "legal_basis": basis,
                "minimum_months": minimum,
                "notice_days": notice,
            },
        )
        if not created and rule.minimum_months != minimum:
            # The legal minimum is ours to keep current, not staff's.
            RetentionRule.objects.filter(pk=rule.pk).update(minimum_months=minimum)


def rules() -> dict:
    return {r.category: r for r in RetentionRule.objects.all()}


CUSTOMER_CATEGORIES = (C.CUSTOMER, C.SERVICE_ENDED)


def customer_rules() -> list:
    """The rules that erase customers, each with a period (a rule emptied by staff is off)."""
    return [
        r
        for r in RetentionRule.objects.filter(category__in=CUSTOMER_CATEGORIES)
        if r.period_months is not None
    ]
