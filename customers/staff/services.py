"""Staff: the confidentiality agreement every staff member signs, and the role groups."""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction

from customers.core.roles import PERMISSIONS, Role
from customers.models import AgreementAcceptance, ConfidentialityAgreement

logger = logging.getLogger(__name__)

AGREEMENT_V1_VI = """Tôi cam kết:
1. Chỉ truy cập dữ liệu cá nhân của khách hàng khi công việc được giao đòi hỏi, và chỉ trong phạm vi vai trò của tôi.
2. Không sao chép, chụp ảnh, chuyển tiếp hay tiết lộ dữ liệu khách hàng cho bất kỳ ai ngoài công ty, kể cả sau khi nghỉ việc.
3. Không sử dụng dữ liệu khách hàng cho mục đích cá nhân hoặc mục đích khác với mục đích đã thông báo cho khách hàng.
4. Báo ngay cho bộ phận bảo vệ dữ liệu khi phát hiện hoặc nghi ngờ dữ liệu bị lộ, mất hoặc truy cập trái phép.
5. Hiểu rằng mọi lần tôi xem dữ liệu khách hàng đều được ghi nhật ký, và vi phạm cam kết này có thể bị xử lý kỷ luật và xử lý theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15."""

AGREEMENT_V1_EN = """I undertake:
1. To access customers' personal data only when my assigned work requires it, and only within my role.
2. Not to copy, photograph, forward or disclose customer data to anyone outside the company, including after I leave.
3. Not to use customer data for personal purposes or for any purpose other than those the customer was told of.
4. To report at once to the data-protection team any known or suspected leak, loss or unauthorised access.
5. I understand that every time I view customer data it is logged, and that breaching this undertaking may lead to disciplinary action and to liability under Law 91/2025/QH15 on Personal Data Protection."""


CACHE_KEY = "customers:agreement-current:v1"
SESSION_KEY = "privacysite_agreement_accepted"


def agreement_current() -> ConfidentialityAgreement | None:
    agreement = cache.get(CACHE_KEY)
    if agreement is None:
        agreement = ConfidentialityAgreement.objects.order_by("-version").first()
        if agreement is not None:
            cache.set(CACHE_KEY, agreement, 300)
    return agreement


def agreement_ensure_exists() -> ConfidentialityAgreement:
    """Version 1 on a new install, so that the gate in front of customer data always has a text."""
    agreement, created = ConfidentialityAgreement.objects.get_or_create(
        version=1, defaults={"text_vi": AGREEMENT_V1_VI, "text_en": AGREEMENT_V1_EN}
    )
    if created:
        cache.delete(CACHE_KEY)
    return agreement_current() or agreement


def agreement_accepted(user, session=None) -> bool:
    """Whether the user accepted the current version; remembered in the session per version."""
    current = agreement_current()
    if current is None:
        return False
    if session is not None and session.get(SESSION_KEY) == current.version:
        return True
    accepted = AgreementAcceptance.objects.filter(user=user, agreement=current).exists()
    if accepted and session is not None:
        session[SESSION_KEY] = current.version
    return accepted


@transaction.atomic
def agreement_accept(*, user, agreement: ConfidentialityAgreement, ip_address=None) -> bool:
    _, created = AgreementAcceptance.objects.get_or_create(
        user=user, agreement=agreement, defaults={"ip_address": ip_address or None}
    )
    return created


@transaction.atomic
def roles_setup() -> dict[str, list[str]]:
    """Make every role group hold exactly the permissions of ``customers.core.roles``.

    Idempotent. Returns, per role, the permission codenames that do not exist (yet): a
    permission row exists only after its app was migrated.
    """
    missing = {}
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = PERMISSIONS.get(role, {})
        permissions = []
        for app_label, codenames in wanted.items():
            found = Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
            permissions.extend(found)
            absent = set(codenames) - {p.codename for p in found}
            if absent:
                missing.setdefault(role.value, []).extend(sorted(absent))
        group.permissions.set(permissions)
    agreement_ensure_exists()
    logger.info("roles.setup groups=%s", len(Role))
    return missing


def staff_emails(role: Role) -> list[str]:
    """The addresses of the active staff holding ``role`` (for alarms and reminders)."""
    users = get_user_model().objects.filter(is_active=True, groups__name=role.value)
    return list(users.exclude(email="").values_list("email", flat=True))
