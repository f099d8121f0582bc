import logging

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from customers.roles import PERMISSIONS, Role

logger = logging.getLogger(__name__)


@transaction.atomic
def roles_setup() -> dict[str, list[str]]:
    """Make every role group hold exactly the permissions of ``customers.roles``.

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
    from customers.services.staff import agreement_ensure_exists

    agreement_ensure_exists()
    logger.info("roles.setup groups=%s", len(Role))
    return missing
