"""Which actions a request's screen offers: only those its type and status allow, and that
the staff member may carry out (erasure needs the data-protection permission)."""

from customers.models import DataRequest
from customers.requests.services import ALLOWED

S = DataRequest.Status


def request_actions(data_request: DataRequest, user, choices) -> list[tuple[str, str]]:
    """The subset of ``choices`` (code, label) that applies now, in their order."""
    allowed = {"note"}
    if data_request.is_open:
        allowed |= {str(s) for s in ALLOWED.get(data_request.status, ())}
        if data_request.extended_until is None:
            allowed.add("extend")
        if data_request.kind == DataRequest.Kind.CORRECTION and data_request.proposed_changes:
            allowed.add("apply_correction")
        if data_request.kind == DataRequest.Kind.DELETION and user.has_perm(
            "customers.erase_customer"
        ):
            allowed.add("erase")
    return [(code, label) for code, label in choices if code in allowed]
