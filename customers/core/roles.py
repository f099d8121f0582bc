"""Staff roles as code: each role is a Django group with exactly these permissions.

``setup_roles`` (also run after every migrate) makes the groups match this table, adding and
removing permissions, so a role can be audited by reading this file. Which *fields* a role
sees is decided by ``customers.core.masking``; these are the model-level permissions.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BOARD = "Ban giám đốc", _("Board of directors")
    SALES = "Kinh doanh", _("Sales")
    CUSTOMER_CARE = "Chăm sóc khách hàng", _("Customer care")
    TECH_SUPPORT = "Hỗ trợ kỹ thuật", _("Technical support")
    ACCOUNTING = "Kế toán", _("Accounting")
    DPO = "Bảo vệ dữ liệu", _("Data protection officer")


def _crud(model, *actions):
    return [f"{action}_{model}" for action in actions]


VIEW = ("view",)
EDIT = ("view", "add", "change")

PERMISSIONS = {
    Role.BOARD: {
        "customers": _crud("customer", *VIEW)
        + ["export_customer"]
        + _crud("service", *VIEW)
        + _crud("warranty", *VIEW)
        + _crud("accountingdocument", *VIEW)
        + _crud("customerchange", *VIEW)
        + _crud("recipient", *VIEW)
        + _crud("retentionrule", *VIEW)
        + _crud("companyprofile", *VIEW),
        "consents": _crud("purpose", *VIEW) + _crud("policyversion", *VIEW),
        # The registers the DPIA, TIA and register of processing print (dpo/contents.py), so
        # that the board reads what it signs; not the inspection pack's incidents and logs.
        "dpo": _crud("dossierversion", *VIEW)
        + _crud("complianceprofile", *VIEW)
        + _crud("riskassessment", *VIEW),
    },
    Role.SALES: {
        "customers": _crud("customer", *EDIT)
        + _crud("campaign", *EDIT)
        + _crud("calltask", "view", "change")
        + _crud("service", *EDIT)
        + _crud("warranty", *EDIT)
        + _crud("customerchange", *VIEW)
        + _crud("importbatch", *EDIT),
        "consents": _crud("purpose", *VIEW) + _crud("consentevent", "view", "add"),
    },
    Role.CUSTOMER_CARE: {
        "customers": _crud("customer", *EDIT)
        + _crud("service", *VIEW)
        + _crud("warranty", *VIEW)
        + _crud("customerchange", *VIEW)
        + _crud("message", *VIEW)
        + _crud("datarequest", *EDIT)
        # Puts a requested restriction in force; lifting it is the customer's or the DPO's.
        + _crud("processingrestriction", "view", "add")
        + _crud("importbatch", *EDIT),
        "consents": _crud("purpose", *VIEW) + _crud("consentevent", "view", "add"),
    },
    Role.TECH_SUPPORT: {
        "customers": _crud("customer", *VIEW) + _crud("service", "view", "change"),
    },
    Role.ACCOUNTING: {
        "customers": _crud("customer", *VIEW)
        + _crud("accountingdocument", *EDIT)
        + _crud("destructionlist", *VIEW),
    },
    Role.DPO: {
        "customers": _crud("customer", *VIEW)
        + ["export_customer"]
        + _crud("accesslogentry", *VIEW)
        + _crud("confidentialityagreement", "view", "add")
        + _crud("agreementacceptance", *VIEW)
        + _crud("datarequest", *EDIT)
        + _crud("processingrestriction", *EDIT)
        + ["erase_customer"]
        + _crud("retentionrule", "view", "change")
        + _crud("legalhold", *EDIT)
        + _crud("erasurecertificate", *VIEW)
        + _crud("retentionrun", *VIEW)
        + _crud("destructionlist", "view", "change")
        + _crud("recipient", *EDIT)
        + _crud("disclosure", "view", "add")
        + _crud("recipientnotice", "view", "change")
        + _crud("legaldisclosurerequest", *EDIT)
        + _crud("incident", *EDIT)
        + _crud("incidentnotice", *VIEW)
        + _crud("campaign", *VIEW)
        + _crud("customerchange", *VIEW)
        + _crud("submission", *VIEW)
        + _crud("message", *VIEW)
        + _crud("companyprofile", "view", "change")
        + _crud("importbatch", *VIEW)
        + _crud("importedcustomer", "view", "change"),
        "consents": _crud("purpose", *EDIT)
        + _crud("policyversion", *EDIT)
        + _crud("policysection", "view", "add", "change", "delete")
        + _crud("consentevent", *VIEW)
        + _crud("cookiecategory", *EDIT)
        + _crud("cookie", "view", "add", "change", "delete")
        + _crud("cookiepolicyversion", "view", "add")
        + _crud("cookieconsent", *VIEW),
        "django_celery_beat": _crud("periodictask", "view", "change"),
        # The DPO's workplace (dpo/): only this role signs off and files dossiers.
        "dpo": _crud("complianceprofile", "view", "change")
        + _crud("riskassessment", *EDIT)
        + ["sign_riskassessment"]
        + _crud("dossierversion", "view", "add", "change")
        + ["sign_dossierversion", "file_dossierversion"]
        + _crud("updateclock", "view", "add")
        + _crud("accessalert", *VIEW),
        # The company's other systems: their keys, webhook subscriptions and deliveries.
        "api": _crud("apiclient", *EDIT)
        + _crud("webhooksubscription", *EDIT)
        + _crud("webhookdelivery", *VIEW),
    },
}
