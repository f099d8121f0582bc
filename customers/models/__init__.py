from .accounting import AccountingDocument
from .customers import Customer, CustomerChange, UnconfirmedRegistration
from .messages import Message
from .services import Service, Warranty
from .submissions import Submission

__all__ = [
    "AccountingDocument",
    "Customer",
    "CustomerChange",
    "Message",
    "Service",
    "Submission",
    "UnconfirmedRegistration",
    "Warranty",
]
