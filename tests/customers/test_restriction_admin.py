"""The restriction register in the admin: customer care puts a restriction in force, the DPO
lifts it with a reason; both go through the service; nothing is deleted or edited."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from customers.core.roles import Role
from customers.models import Customer, ProcessingRestriction
from demo.factories import CustomerFactory

pytestmark = pytest.mark.django_db

ADD = "admin:customers_processingrestriction_add"
LIST = "admin:customers_processingrestriction_changelist"


def test_care_restricts_and_the_dpo_lifts_with_a_reason(seeded, client, staff_user):
    from tests.conftest import login_staff

    customer = CustomerFactory()
    login_staff(client, staff_user(role=Role.CUSTOMER_CARE.value))
    added = client.post(
        reverse(ADD), {"customer": customer.pk, "purpose": "", "reason": "Khách gọi, YC-7"}
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    restriction = ProcessingRestriction.objects.get()
    assert restriction.started_by_label.startswith("staff-") and restriction.in_force
    assert Customer.objects.get(pk=customer.pk).status == Customer.Status.RESTRICTED
    page = client.get(reverse(LIST)).content.decode()
    assert 'value="lift"' not in page  # lifting is the DPO's decision
    assert (
        client.post(
            reverse("admin:customers_processingrestriction_delete", args=[restriction.pk])
        ).status_code
        == 403
    )

    client.logout()
    login_staff(client, staff_user(role=Role.DPO.value))
    selection = {"action": "lift", ACTION_CHECKBOX_NAME: [restriction.pk]}
    form = client.post(reverse(LIST), selection).content.decode()
    assert 'name="reason"' in form
    assert not ProcessingRestriction.objects.get().lifted_at
    client.post(reverse(LIST), {**selection, "reason": "Quyết định của DPO số 3"})
    restriction.refresh_from_db()
    assert restriction.lift_reason == "Quyết định của DPO số 3" and not restriction.in_force
    assert Customer.objects.get(pk=customer.pk).status == Customer.Status.ACTIVE


def test_an_erased_customer_cannot_be_restricted_from_the_form(seeded, staff_client):
    from customers.retention.erasure import customer_erase

    customer = CustomerFactory()
    customer_erase(customer=customer, actor="system:test", trigger="staff")
    client = staff_client(role=Role.DPO.value)
    client.post(reverse(ADD), {"customer": customer.pk, "purpose": "", "reason": "x"})
    assert not ProcessingRestriction.objects.exists()


def test_the_register_costs_the_same_queries_for_two_rows_or_six(seeded, staff_client, staff_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from customers.records.restriction import customer_restrict

    dpo = staff_user(role=Role.DPO.value, username="dpo-2")
    client = staff_client(role=Role.DPO.value)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(LIST)).status_code == 200
        return len(captured)

    for _ in range(2):
        customer_restrict(customer=CustomerFactory(), actor=dpo, reason="Phản đối")
    queries()  # the first page of a session reads what later pages take from it
    two = queries()
    for _ in range(4):
        customer_restrict(customer=CustomerFactory(), actor=dpo, reason="Phản đối")
    assert queries() == two
