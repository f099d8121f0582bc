"""Registers every domain's admin screens (Django's autodiscovery imports ``customers.admin``)."""

from customers.audit import admin as audit  # noqa: F401
from customers.company import admin as company  # noqa: F401
from customers.desk import admin as desk  # noqa: F401
from customers.desk import unconfirmed  # noqa: F401
from customers.imports import admin as imports  # noqa: F401
from customers.incidents import admin as incidents  # noqa: F401
from customers.messaging import admin as messaging  # noqa: F401
from customers.outreach import admin as outreach  # noqa: F401
from customers.records import admin as records  # noqa: F401
from customers.requests import admin as requests  # noqa: F401
from customers.retention import admin as retention  # noqa: F401
from customers.sharing import admin as sharing  # noqa: F401
from customers.staff import admin as staff  # noqa: F401
