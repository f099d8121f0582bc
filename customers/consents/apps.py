from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentsConfig(AppConfig):
    # A domain of the customer data, with the app label it always had (tables, permissions
    # and migrations keep their names).
    name = "customers.consents"
    label = "consents"
    verbose_name = _("Consents")
