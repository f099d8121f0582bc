from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _setup_roles_after_migrate(sender, **kwargs):
    # Permission rows are created by post_migrate as well, app by app: wait for the last app.
    from django.apps import apps as global_apps

    if sender is not list(global_apps.get_app_configs())[-1]:
        return
    from customers.services.retention import retention_rules_ensure
    from customers.services.roles import roles_setup

    roles_setup()
    retention_rules_ensure()


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from customers import (  # noqa: F401  (registers the system check and ``__any``)
            lookups,
            personal_data,
        )
        from privacysite import (  # noqa: F401  (register the retired-keys and .mo checks)
            key_checks,
            translations,
        )

        post_migrate.connect(_setup_roles_after_migrate, weak=False)
