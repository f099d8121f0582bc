from .access import AccessLogEntry, AccessLogSubject, AuditChainHead
from .accounting import AccountingDocument
from .customers import Customer, CustomerChange, UnconfirmedRegistration
from .messages import Message
from .requests import DataRequest, DataRequestEvent
from .retention import (
    DestructionList,
    ErasureCertificate,
    LegalHold,
    RetentionRule,
    RetentionRun,
)
from .services import Service, Warranty
from .staff import AgreementAcceptance, ConfidentialityAgreement
from .submissions import Submission

__all__ = [
    "AccessLogEntry",
    "AccessLogSubject",
    "AuditChainHead",
    "AccountingDocument",
    "AgreementAcceptance",
    "ConfidentialityAgreement",
    "Customer",
    "CustomerChange",
    "DataRequest",
    "DataRequestEvent",
    "DestructionList",
    "ErasureCertificate",
    "LegalHold",
    "RetentionRule",
    "RetentionRun",
    "Message",
    "Service",
    "Submission",
    "UnconfirmedRegistration",
    "Warranty",
]
