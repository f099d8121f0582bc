"""What each dossier holds, and so who may download it (issue 31, finding 1).

A dossier is as secret as the most secret thing in it: downloading one needs the permission
to view every kind of record it prints. ``ROWS`` names the models whose records a dossier
prints; ``COUNTS`` those it only counts (how many requests were answered late, how many staff
use two-factor sign-in), which reveal no record. tests/dpo/test_dossier_contents.py generates
each dossier and checks that it reads nothing else, so this table cannot fall behind the code.
"""

from django.apps import apps

from dpo.models import DossierVersion

Kind = DossierVersion.Kind

# The registers every dossier prints: purposes, recipients, retention rules, the DPO's
# profile and risk assessment, the versions before it.
REGISTERS = (
    "consents.Purpose",
    "customers.Recipient",
    "customers.RetentionRule",
    "customers.CompanyProfile",
    "dpo.ComplianceProfile",
    "dpo.RiskAssessment",
    "dpo.DossierVersion",
)
# Counted, never printed: the subjects, consents, staff and their second factor, the chain.
STATISTICS = (
    "consents.ConsentState",
    "customers.Customer",
    "customers.AuditChainHead",
    "auth.User",
    "auth.Group",
    "otp_totp.TOTPDevice",
)

ROWS = {
    Kind.DPIA: REGISTERS,
    Kind.TIA: REGISTERS,
    Kind.ROPA: REGISTERS,
    # The pack adds the request register, incident files and notices, and extracts of the
    # consent ledger and the access log.
    Kind.INSPECTION: (
        *REGISTERS,
        "consents.PolicyVersion",
        "customers.DataRequest",
        "customers.Incident",
        "customers.IncidentNotice",
        "consents.ConsentEvent",
        "customers.AccessLogEntry",
    ),
}
COUNTS = {
    Kind.DPIA: (*STATISTICS, "customers.DataRequest", "customers.Incident"),
    Kind.TIA: STATISTICS,
    Kind.ROPA: STATISTICS,
    Kind.INSPECTION: (*STATISTICS, "customers.AccessLogSubject"),
}


def download_permissions(kind: str) -> list[str]:
    """The view permission of every kind of record the dossier prints."""
    permissions = []
    for label in ROWS[kind]:
        model = apps.get_model(label)
        permissions.append(f"{model._meta.app_label}.view_{model._meta.model_name}")
    return permissions


def may_download(user, kind: str) -> bool:
    return user.is_active and user.has_perms(download_permissions(kind))
