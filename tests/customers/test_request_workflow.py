"""Every request ends in what it asked for (issue 28 §1): a crawl, per role, of every
transition the admin offers (and of those it does not) on a request of each kind in each
open state, the list's bulk actions included. After each, the request is open, or in an end
state whose effect holds."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from customers.consents.models import ConsentState, Purpose
from customers.consents.services.ledger import consent_grant
from customers.core.roles import Role
from customers.models import Customer, DataRequest, ErasureCertificate, Message
from customers.requests.services import request_open
from customers.requests.workflow import ACTIONS
from demo.factories import CustomerFactory, ServiceFactory
from tests.conftest import login_staff

pytestmark = pytest.mark.django_db

S = DataRequest.Status
K = DataRequest.Kind
OPEN_STATES = [S.RECEIVED, S.VERIFIED, S.IN_PROGRESS, S.EXTENDED, S.HELD, S.CONFIRMING]
ROLES = list(Role)
# The roles that handle requests run in the fast set; the others (whom every move refuses)
# run with the slow crawl, as tests/customers/test_admin_crawl.py does.
HANDLING = (Role.CUSTOMER_CARE, Role.DPO)
CRAWLED = [r if r in HANDLING else pytest.param(r, marks=pytest.mark.slow) for r in ROLES]
# Every action code any screen ever offered, the old ones included.
CODES = sorted({*ACTIONS, "answered", "rejected", "erase", "apply_correction", "verified"})
INPUTS = {"reason": "Lý do", "remedy": "Cách khắc phục", "ground": "legal_hold"}


class Rollback(Exception):
    pass


def make_request(kind, status):
    """A request of ``kind`` in ``status``, for a customer of its own whose data allows the
    effect (nothing blocks an erasure; a consent to withdraw; a change to apply)."""
    customer = CustomerFactory(phone_mobile="0912 345 678")
    purpose = Purpose.objects.filter(legal_basis=Purpose.LegalBasis.CONSENT).first()
    consent_grant(customer=customer, purpose=purpose, channel="web_form")
    request = request_open(
        customer=customer,
        kind=kind,
        details="Tôi phản đối việc dùng dữ liệu để quảng cáo",
        proposed_changes={"phone_mobile": "0988 000 111"} if kind == K.CORRECTION else None,
    )
    extra = {}
    if status == S.EXTENDED:
        extra = {"extended_until": request.due_on, "extension_reason": "Cần thêm thời gian"}
    DataRequest.objects.filter(pk=request.pk).update(status=status, **extra)
    return DataRequest.objects.get(pk=request.pk)


def effect_holds(request):
    """Judged from the data itself, not from the workflow's own table."""
    request.refresh_from_db()
    customer = Customer.objects.get(pk=request.customer_id)
    if request.status in DataRequest.OPEN:
        return True, "open"
    if request.status == S.REJECTED:
        ok = bool(request.answer_reason) and request.decided_by_id is not None
        if request.kind == K.DELETION:
            ok = ok and request.refusal_ground in DataRequest.RefusalGround.values
        return ok, "refused with a reason and a person named"
    expected = {
        K.DELETION: S.ERASED,
        K.CORRECTION: S.APPLIED,
        K.ACCESS: S.COPY_SENT,
        K.OBJECTION: S.RESTRICTED,
        K.WITHDRAWAL: S.WITHDRAWN,
        K.COMPLAINT: S.ANSWERED,
        K.OTHER: S.ANSWERED,
    }[request.kind]
    if request.status != expected:
        return False, f"{request.kind} closed as {request.status}"
    checks = {
        S.ERASED: lambda: (
            customer.is_erased
            and ErasureCertificate.objects.filter(customer=customer).exists()
            and request.certificate_id is not None
        ),
        S.APPLIED: lambda: (
            customer.phone_mobile == "0988 000 111" and "0912 345 678" in request.previous_values
        ),
        S.COPY_SENT: lambda: (
            Message.objects.filter(customer=customer, template="my_data_link").exists()
            or request.copy_sent_via in ("post", "in_person")
        ),
        S.RESTRICTED: lambda: customer.status == Customer.Status.RESTRICTED,
        S.WITHDRAWN: lambda: (
            not ConsentState.objects.filter(customer=customer, granted=True).exists()
        ),
        S.ANSWERED: lambda: bool(request.answer_reason),
    }
    return checks[request.status](), request.status


def offered(client, request):
    page = client.get(reverse("admin:customers_datarequest_change", args=[request.pk]))
    if page.status_code != 200:
        return set()
    form = page.content.decode().split('name="action"', 1)
    if len(form) < 2:
        return set()
    select = form[1].split("</select>", 1)[0]
    return set(re.findall(r'<option value="([^"]+)"', select)) - {"note"}


@pytest.mark.slow
@pytest.mark.parametrize("role", CRAWLED, ids=[r.name for r in ROLES])
def test_every_transition_any_role_can_make_ends_open_or_in_its_effect(
    role, seeded, client, staff_user
):
    user = staff_user(role)
    login_staff(client, user)
    made = 0
    for kind in K.values:
        for status in OPEN_STATES:
            request = make_request(kind, status)
            shown = offered(client, request)
            for code in CODES:
                try:
                    with transaction.atomic():
                        response = client.post(
                            reverse("admin:customers_datarequest_handle", args=[request.pk]),
                            {"action": code, **INPUTS},
                        )
                        assert response.status_code in (302, 403)
                        ok, what = effect_holds(request)
                        where = f"{role.name} {kind}/{status} {code}"
                        assert ok, f"{where}: {what}"
                        if request.status not in DataRequest.OPEN:
                            assert code in shown, f"{where} closed it without being offered"
                            made += 1
                        raise Rollback
                except Rollback:
                    pass
    if user.has_perm("customers.change_datarequest"):
        assert made > 10  # the effects were really tried, not only refused


@pytest.mark.parametrize("role", ROLES, ids=[r.name for r in ROLES])
def test_every_bulk_action_leaves_requests_open_or_in_their_effect(
    role, seeded, client, staff_user
):
    login_staff(client, staff_user(role))
    requests = [make_request(kind, status) for kind in K.values for status in OPEN_STATES]
    page = client.get(reverse("admin:customers_datarequest_changelist"))
    names = set(re.findall(r'<option value="([a-z_]+)"', page.content.decode())) - {""}
    for name in names | {"move_verified", "move_in_progress", "delete_selected"}:
        try:
            with transaction.atomic():
                client.post(
                    reverse("admin:customers_datarequest_changelist"),
                    {"action": name, ACTION_CHECKBOX_NAME: [r.pk for r in requests]},
                )
                for request in requests:
                    ok, what = effect_holds(request)
                    assert ok, f"{role.name} bulk {name} on {request.kind}: {what}"
                    assert DataRequest.objects.filter(pk=request.pk).exists()
                raise Rollback
        except Rollback:
            pass


def test_answer_and_close_cannot_close_a_deletion(seeded, client, staff_user):
    """Issue 28: as cskh, "Trả lời và đóng yêu cầu" closed a deletion without deleting."""
    request = make_request(K.DELETION, S.VERIFIED)
    login_staff(client, staff_user(Role.CUSTOMER_CARE))
    assert "answered" not in offered(client, request)
    response = client.post(
        reverse("admin:customers_datarequest_handle", args=[request.pk]),
        {"action": "answered", **INPUTS},
        follow=True,
    )
    request.refresh_from_db()
    assert request.status == S.VERIFIED and not request.customer.is_erased
    assert "Đã thực hiện" not in response.content.decode()


def test_a_blocked_erasure_is_explained_and_never_becomes_a_refusal(seeded, client, staff_user):
    """Issue 28: the DPO's "erase", with a complaint open, silently became a refusal."""
    request = make_request(K.DELETION, S.VERIFIED)
    ServiceFactory(customer=request.customer)
    request_open(customer=request.customer, kind=K.COMPLAINT, details="Gọi quá nhiều")
    login_staff(client, staff_user(Role.DPO))
    response = client.post(
        reverse("admin:customers_datarequest_handle", args=[request.pk]),
        {"action": "erase"},
        follow=True,
    )
    body = response.content.decode()
    request.refresh_from_db()
    assert request.status == S.VERIFIED and request.decided_by is None
    assert not Message.objects.filter(template="request_answered").exists()
    assert "Không có gì bị xóa" in body and "dịch vụ đang hoạt động" in body
    assert "yêu cầu khác đang mở" in body


def test_the_admin_says_what_happened(seeded, client, staff_user):
    dpo = staff_user(Role.DPO)
    login_staff(client, dpo)
    erased = make_request(K.DELETION, S.VERIFIED)
    response = client.post(
        reverse("admin:customers_datarequest_handle", args=[erased.pk]),
        {"action": "erase"},
        follow=True,
    )
    certificate = ErasureCertificate.objects.get(customer=erased.customer)
    assert f"Đã xóa dữ liệu của khách hàng #{erased.customer_id}" in response.content.decode()
    assert (
        f"XOA-{timezone.localdate(certificate.erased_at):%Y%m%d}-{erased.customer_id}"
        in response.content.decode()
    )
    refused = make_request(K.DELETION, S.VERIFIED)
    response = client.post(
        reverse("admin:customers_datarequest_handle", args=[refused.pk]),
        {"action": "rejected", **INPUTS, "reason": "Tòa án yêu cầu giữ"},
        follow=True,
    )
    assert "Đã từ chối:" in response.content.decode()
    refused.refresh_from_db()
    assert (refused.decided_by, refused.refusal_ground) == (dpo, "legal_hold")
    assert refused.closed_at <= timezone.now()


def test_a_deletion_cannot_be_refused_without_a_legal_ground(seeded, staff_user):
    from customers.requests.services import RequestError, request_move

    request = make_request(K.DELETION, S.VERIFIED)
    with pytest.raises(RequestError):
        request_move(
            request=request,
            actor=staff_user(Role.DPO),
            action="rejected",
            reason="Không muốn",
            remedy="—",
        )
    with pytest.raises(RequestError):  # never automatic: the system cannot refuse
        request_move(request=request, actor=None, action="rejected", **INPUTS)
    request.refresh_from_db()
    assert request.status == S.VERIFIED


def test_the_table_lets_each_kind_end_only_in_its_effect_or_a_refusal():
    from customers.requests.workflow import FINAL, TRANSITIONS

    ends = {
        kind: {t.target for t in TRANSITIONS if kind in t.kinds and t.target in FINAL}
        for kind in K.values
    }
    assert ends == {
        K.DELETION: {S.ERASED, S.REJECTED},
        K.CORRECTION: {S.APPLIED, S.REJECTED},
        K.ACCESS: {S.COPY_SENT, S.REJECTED},
        K.OBJECTION: {S.RESTRICTED, S.REJECTED},
        K.WITHDRAWAL: {S.WITHDRAWN, S.REJECTED},
        K.COMPLAINT: {S.ANSWERED, S.REJECTED},
        K.OTHER: {S.ANSWERED, S.REJECTED},
    }
    # No move starts from an end state: a closed request stays closed.
    assert not any(t.sources & FINAL for t in TRANSITIONS)
    # Refusing a deletion is the data-protection role's decision, on a lawful ground.
    (refuse,) = [t for t in TRANSITIONS if t.target == S.REJECTED and K.DELETION in t.kinds]
    assert "customers.erase_customer" in refuse.permissions and "ground" in refuse.needs
