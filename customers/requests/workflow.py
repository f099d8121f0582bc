"""Each kind of request as a table of allowed transitions, whose end states are its effects.

A request closes only by arriving in an end state that is what the customer asked for (a
deletion *erased*, a correction *applied*, a copy *sent*, an objection's restriction *in
force*, a withdrawal's consents *withdrawn*, a complaint *answered*), or *refused* by a named
person with a reason (and, for a deletion, a lawful ground). ``ARRIVAL`` says what must be
true on arrival; ``customers.requests.services.request_move`` checks it before it commits.
Screens ask ``transitions_for`` what to offer; they do not know the rules themselves.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from customers.consents.models import ConsentState
from customers.models import Customer, DataRequest

S = DataRequest.Status
K = DataRequest.Kind

CHANGE = "customers.change_datarequest"
ERASE = "customers.erase_customer"

# Open and not waiting on anyone: identity is not in doubt, the customer is not asked.
WORKING = frozenset({S.RECEIVED, S.VERIFIED, S.IN_PROGRESS, S.EXTENDED})
OPEN = frozenset(DataRequest.OPEN)
ALL_KINDS = frozenset(K.values)


class RequestError(Exception):
    """A transition that the request's state or the rules do not allow; the text says why."""


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset
    target: str
    kinds: frozenset = ALL_KINDS
    permissions: tuple = (CHANGE,)
    # What the person must give: "reason" and "remedy" (sent to the customer), "ground" (a
    # lawful ground, chosen), "delivery" (how a copy went to a customer without email).
    needs: frozenset = frozenset()
    bulk: bool = False  # also offered on the list, for several requests at once
    by_customer: bool = False  # the customer's own step (a signed link), never staff's

    def applies(self, request: DataRequest) -> bool:
        return request.kind in self.kinds and request.status in self.sources

    def allowed(self, user) -> bool:
        return not self.by_customer and all(user.has_perm(p) for p in self.permissions)


TRANSITIONS = (
    Transition(
        "verified", _("Mark identity verified"), frozenset({S.RECEIVED}), S.VERIFIED, bulk=True
    ),
    Transition(
        "in_progress",
        _("Start work"),
        frozenset({S.RECEIVED, S.VERIFIED, S.EXTENDED}),
        S.IN_PROGRESS,
        bulk=True,
    ),
    Transition(
        "extend",
        _("Extend once (reason required)"),
        # Not while the customer is asked to confirm: their link waits for that state.
        WORKING,
        S.EXTENDED,
        needs=frozenset({"reason"}),
    ),
    Transition(
        "erase",
        _("Erase the customer's data (erasure certificate)"),
        WORKING,
        S.ERASED,
        kinds=frozenset({K.DELETION}),
        permissions=(CHANGE, ERASE),
    ),
    # Deleting ends an active service: the customer is told and asked to confirm by the link;
    # what the contract does not need goes at once (customers.requests.confirmation).
    Transition(
        "ask_confirmation",
        _("Ask the customer to confirm that deleting ends their service"),
        WORKING,
        S.CONFIRMING,
        kinds=frozenset({K.DELETION}),
    ),
    Transition(
        "confirmed",
        _("The customer confirmed the deletion"),
        frozenset({S.CONFIRMING}),
        S.IN_PROGRESS,
        kinds=frozenset({K.DELETION}),
        permissions=(),
        by_customer=True,
    ),
    Transition(
        "apply_correction",
        _("Apply the proposed correction"),
        WORKING,
        S.APPLIED,
        kinds=frozenset({K.CORRECTION}),
        permissions=(CHANGE, "customers.change_customer"),
    ),
    Transition(
        "send_copy",
        _("Send the copy of the data"),
        WORKING,
        S.COPY_SENT,
        kinds=frozenset({K.ACCESS}),
    ),
    Transition(
        "restrict",
        _("Restrict the processing of the customer's data"),
        WORKING,
        S.RESTRICTED,
        kinds=frozenset({K.OBJECTION}),
    ),
    Transition(
        "withdraw",
        _("Withdraw the customer's consents"),
        WORKING,
        S.WITHDRAWN,
        kinds=frozenset({K.WITHDRAWAL}),
        permissions=(CHANGE, "consents.add_consentevent"),
    ),
    Transition(
        "answered",
        _("Answer and close (answer and remedy required)"),
        WORKING,
        S.ANSWERED,
        kinds=frozenset({K.COMPLAINT, K.OTHER}),
        needs=frozenset({"reason", "remedy"}),
    ),
    Transition(
        "rejected",
        _("Refuse (reason and remedy required)"),
        OPEN,
        S.REJECTED,
        kinds=ALL_KINDS - {K.DELETION},
        needs=frozenset({"reason", "remedy"}),
    ),
    # Refusing a deletion is a legal decision: the data-protection role takes it, on a
    # lawful ground, and is named on the request.
    Transition(
        "rejected",
        _("Refuse the deletion (legal ground, reason and remedy required)"),
        OPEN,
        S.REJECTED,
        kinds=frozenset({K.DELETION}),
        permissions=(CHANGE, ERASE),
        needs=frozenset({"reason", "remedy", "ground"}),
    ),
)

ACTIONS = tuple(dict.fromkeys(t.action for t in TRANSITIONS))


def transition(request: DataRequest, action: str) -> Transition | None:
    """The transition ``action`` names for this request's kind and status, if any."""
    for candidate in TRANSITIONS:
        if candidate.action == action and candidate.applies(request):
            if action == "extend" and request.extended_until is not None:
                return None  # the law allows one extension
            return candidate
    return None


def transitions_for(request: DataRequest, user) -> list[Transition]:
    """What this staff member may do to this request now, in the table's order."""
    found = [transition(request, action) for action in ACTIONS]
    return [t for t in found if t is not None and t.allowed(user)]


def bulk_transitions() -> list[Transition]:
    return [t for t in TRANSITIONS if t.bulk]


# --- What must be true on arrival ---------------------------------------------------------


def _refused(request: DataRequest) -> bool:
    decided = bool(request.answer_reason.strip()) and request.decided_by_id is not None
    return decided and (request.kind != K.DELETION or bool(request.refusal_ground))


def _erased(request: DataRequest) -> bool:
    return (
        request.certificate_id is not None
        and Customer.objects.filter(pk=request.customer_id, status=Customer.Status.ERASED).exists()
    )


def _restricted(request: DataRequest) -> bool:
    return Customer.objects.filter(
        pk=request.customer_id, status=Customer.Status.RESTRICTED
    ).exists()


def _withdrawn(request: DataRequest) -> bool:
    return not ConsentState.objects.filter(customer_id=request.customer_id, granted=True).exists()


ARRIVAL = {
    S.ERASED: _erased,
    S.REJECTED: _refused,
    S.APPLIED: lambda r: bool(r.previous_values),
    S.COPY_SENT: lambda r: bool(r.copy_sent_via),
    S.RESTRICTED: _restricted,
    S.WITHDRAWN: _withdrawn,
    S.ANSWERED: lambda r: r.kind in (K.COMPLAINT, K.OTHER) and bool(r.answer_reason.strip()),
}
FINAL = frozenset(ARRIVAL)


def effect_holds(request: DataRequest) -> bool:
    """An open request holds nothing yet; a closed one must hold what its end state says."""
    if request.status in OPEN:
        return True
    check = ARRIVAL.get(request.status)
    return check is not None and check(request)
