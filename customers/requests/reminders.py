"""The daily reminder of request deadlines (a system job: no staff caller)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from customers.core.roles import Role
from customers.models import DataRequest
from customers.staff.services import staff_emails

logger = logging.getLogger(__name__)


def requests_send_reminders(*, today=None) -> tuple[int, int]:
    """Daily: remind the assignee (or customer care) of requests due within two days, and
    tell the data-protection role about overdue ones. Returns (reminded, escalated)."""
    today = today or timezone.localdate()
    soon = today + timezone.timedelta(days=2)
    open_requests = DataRequest.objects.filter(status__in=DataRequest.OPEN).select_related(
        "assignee"
    )
    care, dpo = staff_emails(Role.CUSTOMER_CARE), staff_emails(Role.DPO)
    reminded = escalated = 0
    for request in open_requests.iterator():
        link = f"{settings.SITE_URL.rstrip('/')}/admin/customers/datarequest/{request.pk}/change/"
        if request.deadline < today:
            if dpo:
                send_mail(
                    f"[privacysite] OVERDUE {request.reference}",
                    f"{request.reference} ({request.kind}) was due {request.deadline}.\n{link}\n",
                    None,
                    dpo,
                )
            escalated += 1
        elif request.deadline <= soon:
            to = [request.assignee.email] if request.assignee and request.assignee.email else care
            if to:
                send_mail(
                    f"[privacysite] due {request.deadline}: {request.reference}",
                    f"{request.reference} ({request.kind}) is due {request.deadline}.\n{link}\n",
                    None,
                    to,
                )
            reminded += 1
    logger.info("requests.reminders reminded=%s escalated=%s", reminded, escalated)
    return reminded, escalated
