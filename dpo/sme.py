"""Whether the SME exemption applies (Law 91 Art 38(2)-(3); Decree 356 Art 41; LEGAL.md 7.10).

Small enterprises and start-ups may skip the DPIA, its updates and the DPO until 31 Dec 2030;
micro enterprises and household businesses without a time limit. Neither applies to a
company that offers processing services, directly processes sensitive data, or has processed
100,000 data subjects or more. The cross-border assessment (Art 20) is never exempt."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from dpo.models import ComplianceProfile

SUBJECT_LIMIT = 100_000
WARN_AT = 90_000
SMALL_UNTIL = datetime.date(2030, 12, 31)


@dataclass
class SmeStatus:
    applies: bool
    subjects: int
    until: datetime.date | None = None
    reasons: list[str] = field(default_factory=list)
    warning: str = ""


def sme_status(*, profile: ComplianceProfile, subjects: int, today=None) -> SmeStatus:
    today = today or timezone.localdate()
    Size = ComplianceProfile.Size
    reasons = []
    if profile.enterprise_size not in (Size.MICRO, Size.SMALL):
        reasons.append("Doanh nghiệp vừa hoặc lớn không thuộc diện miễn trừ.")
    if profile.enterprise_size == Size.SMALL and today > SMALL_UNTIL:
        reasons.append("Thời hạn miễn trừ cho doanh nghiệp nhỏ đã hết (31/12/2030).")
    if profile.offers_processing_services:
        reasons.append("Công ty cung cấp dịch vụ xử lý dữ liệu cá nhân.")
    if profile.processes_sensitive_data:
        reasons.append("Công ty trực tiếp xử lý dữ liệu cá nhân nhạy cảm.")
    if subjects >= SUBJECT_LIMIT:
        reasons.append(
            f"Đã xử lý dữ liệu của {subjects:,} chủ thể (từ 100.000 trở lên).".replace(",", ".")
        )
    warning = ""
    if not reasons and subjects >= WARN_AT:
        warning = (
            f"Đã xử lý dữ liệu của {subjects:,} chủ thể: từ 100.000 chủ thể, miễn trừ không còn "
            "áp dụng (phải lập hồ sơ DPIA và chỉ định DPO).".replace(",", ".")
        )
    until = SMALL_UNTIL if profile.enterprise_size == Size.SMALL else None
    return SmeStatus(
        applies=not reasons, subjects=subjects, until=until, reasons=reasons, warning=warning
    )
