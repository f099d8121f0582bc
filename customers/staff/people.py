"""Staff as colleagues read them: by full name, and only those whose role may do the work."""

from django.contrib.auth import get_user_model
from django.db.models import Q


def staff_name(user) -> str:
    """ "Nguyễn Thị Lan": family name (last_name) first, as Vietnamese names are written; the
    login only when no name was given."""
    if user is None:
        return "–"
    name = " ".join(part for part in (user.last_name, user.first_name) if part).strip()
    return name or user.get_username()


def staff_who_may(permission: str):
    """Active staff holding ``app_label.codename`` through a group, directly, or as
    superusers, by name."""
    app_label, codename = permission.split(".", 1)
    held = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    ) | Q(
        user_permissions__codename=codename,
        user_permissions__content_type__app_label=app_label,
    )
    return (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | held, is_active=True, is_staff=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
