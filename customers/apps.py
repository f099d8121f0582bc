from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _setup_roles_after_migrate(sender, **kwargs):
    # Permission rows are created by post_migrate as well, app by app: wait for the last app
    # that has models (post_migrate is sent only for those; the demo app has none).
    from django.apps import apps as global_apps

    with_models = [a for a in global_apps.get_app_configs() if a.models_module is not None]
    if sender is not with_models[-1]:
        return
    from customers.retention.rules import retention_rules_ensure
    from customers.staff.services import roles_setup

    roles_setup()
    retention_rules_ensure()


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        # Registers the system checks, the ``__any`` lookup and every domain's Celery tasks
        # (services enqueue tasks by name, through customers.core.jobs).
        from customers import tasks  # noqa: F401
        from customers.audit import checks, key_consistency  # noqa: F401
        from customers.core import lookups, personal_data  # noqa: F401
        from customers.workers import heartbeat
        from privacysite import (  # noqa: F401  (register the retired-keys and .mo checks)
            key_checks,
            translations,
        )
        from privacysite.celery import app

        heartbeat.install(app)  # every worker writes its heartbeat (into the database)
        post_migrate.connect(_setup_roles_after_migrate, weak=False)
