"""Every domain's Celery tasks, imported here so that the worker and the web process register
them (Celery's autodiscovery looks for ``customers.tasks``). Each task is declared in its
domain's ``tasks`` module with an explicit name (``customers.core.jobs``)."""

from customers.audit import tasks as audit  # noqa: F401
from customers.imports import tasks as imports  # noqa: F401
from customers.incidents import tasks as incidents  # noqa: F401
from customers.messaging import tasks as messaging  # noqa: F401
from customers.outreach import tasks as outreach  # noqa: F401
from customers.records import tasks as records  # noqa: F401
from customers.requests import tasks as requests  # noqa: F401
from customers.retention import tasks as retention  # noqa: F401
