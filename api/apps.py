from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Other systems (API and webhooks)")

    def ready(self):
        # Consent changes and erasures become webhook events in the transaction that made
        # them (loose coupling: consents and customers do not know this app exists).
        from api import signals, tasks  # noqa: F401  (tasks: registered before anything enqueues)
