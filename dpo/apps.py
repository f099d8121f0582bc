from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DpoConfig(AppConfig):
    """The data-protection officer's workplace: dossiers drawn from the live data, update
    clocks, the SME exemption and the dashboard. Reads customers and consents; neither of
    them imports this app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "dpo"
    verbose_name = _("Data protection officer")
