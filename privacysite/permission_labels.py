"""Permissions named in the reader's language on the group and user screens.

Django stores a permission's name once, in English ("Can add service subscription"); the
admin's permission picker shows that. Here the name is built again from the model's
translated verbose name, or from the translated text of a custom permission.
"""

from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "add": _("Can add %(name)s"),
    "change": _("Can change %(name)s"),
    "delete": _("Can delete %(name)s"),
    "view": _("Can view %(name)s"),
}


def permission_label(permission) -> str:
    model = permission.content_type.model_class()
    if model is None:
        return permission.name
    opts = model._meta
    action, _sep, rest = permission.codename.partition("_")
    if action in ACTIONS and rest == opts.model_name:
        text = ACTIONS[action] % {"name": opts.verbose_name}
    else:
        custom = dict(opts.permissions).get(permission.codename)
        text = gettext(str(custom)) if custom else permission.name
    return f"{capfirst(opts.app_config.verbose_name)} | {capfirst(opts.verbose_name)} | {text}"


class PermissionLabels:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in {"permissions", "user_permissions"}:
            field.label_from_instance = permission_label
        return field


class TranslatedGroupAdmin(PermissionLabels, GroupAdmin):
    pass


class TranslatedUserAdmin(PermissionLabels, UserAdmin):
    pass


def register(site):
    """Replace Django's group and user screens with these (called once the admin loaded)."""
    for model, model_admin in ((Group, TranslatedGroupAdmin), (User, TranslatedUserAdmin)):
        if site.is_registered(model) and type(site.get_model_admin(model)) in {
            GroupAdmin,
            UserAdmin,
        }:
            site.unregister(model)
            site.register(model, model_admin)
