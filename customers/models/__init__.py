from .access import AccessLogEntry, AccessLogSubject, AuditChainHead
from .accounting import AccountingDocument
from .communications import CallTask, Campaign
from .company import CompanyProfile
from .customers import Customer, CustomerChange, UnconfirmedRegistration
from .disclosures import Disclosure, LegalDisclosureRequest, Recipient
from .imports import (
    ColumnMapping,
    ImportBatch,
    ImportedCustomer,
    ImportedCustomerReview,
    ImportIssue,
)
from .incidents import Incident, IncidentNotice
from .messages import Message
from .my_data import MyDataLinkRequest, MyDataSession
from .pending import PendingChange
from .recipient_notices import RecipientNotice
from .requests import DataRequest, DataRequestEvent
from .restrictions import ProcessingRestriction
from .retention import (
    DestructionList,
    ErasureCertificate,
    JournalMark,
    KeysInForce,
    LegalHold,
    RetentionRule,
    RetentionRun,
)
from .services import Service, Warranty
from .staff import AgreementAcceptance, ConfidentialityAgreement
from .submissions import Submission
from .workers import WorkerHeartbeat

__all__ = [
    "CallTask",
    "CompanyProfile",
    "Campaign",
    "Disclosure",
    "ColumnMapping",
    "ImportBatch",
    "ImportedCustomer",
    "ImportedCustomerReview",
    "ImportIssue",
    "Incident",
    "IncidentNotice",
    "LegalDisclosureRequest",
    "Recipient",
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
    "JournalMark",
    "KeysInForce",
    "LegalHold",
    "RetentionRule",
    "RetentionRun",
    "Message",
    "PendingChange",
    "ProcessingRestriction",
    "RecipientNotice",
    "MyDataLinkRequest",
    "MyDataSession",
    "Service",
    "Submission",
    "UnconfirmedRegistration",
    "Warranty",
    "WorkerHeartbeat",
]
