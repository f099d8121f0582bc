"""What a request's screen offers and what it says afterwards: what the workflow table allows
for this request's kind and status and this staff member's role, plus an internal note
(always); and, after a move, what happened, in words."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customers.models import DataRequest
from customers.requests.effects import erased_words, refused_words
from customers.requests.workflow import transitions_for

NOTE_LABEL = _("Add an internal note")


def request_actions(data_request: DataRequest, user) -> list[tuple[str, str]]:
    """(code, label) of each action offered now, in the table's order."""
    offered = [(t.action, str(t.label)) for t in transitions_for(data_request, user)]
    return [*offered, ("note", str(NOTE_LABEL))]


def what_happened(data_request: DataRequest) -> str:
    """The banner after a move: an erasure, a refusal and the rest each in their own words."""
    if data_request.status == DataRequest.Status.ERASED:
        return erased_words(data_request)
    if data_request.status == DataRequest.Status.REJECTED:
        return refused_words(data_request)
    return gettext("Request %(reference)s is now: %(status)s.") % {
        "reference": data_request.reference,
        "status": data_request.get_status_display(),
    }
