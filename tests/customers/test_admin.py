"""Staff work on customers in the admin: search by blind index, phone intake, history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.consents.models import ConsentEvent
from customers.models import Customer, CustomerChange
from demo.factories import CustomerFactory, ServiceFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:customers_customer_changelist")


@pytest.fixture
def admin_client_logged(staff_client):
    return staff_client(superuser=True, username="root")


def listed(response):
    return {c.pk for c in response.context["cl"].result_list}


def test_search_finds_customer_by_full_email_phone_or_tax_code(admin_client_logged):
    target = CustomerFactory(
        business=True,
        email="mai.pham@saomai.vn",
        phone_mobile="0977 111 222",
        tax_code="0100109106",
    )
    CustomerFactory.create_batch(3)
    for term in ["mai.pham@saomai.vn", "0977111222", "+84 977 111 222", "0100109106"]:
        response = admin_client_logged.get(CHANGELIST, {"q": term})
        assert listed(response) == {target.pk}, term


def test_search_finds_names_by_part(admin_client_logged):
    target = CustomerFactory(full_name="Đỗ Thị Quỳnh Anh")
    CustomerFactory(full_name="Lý Văn Bình")
    response = admin_client_logged.get(CHANGELIST, {"q": "Quỳnh"})
    assert listed(response) == {target.pk}


def test_changelist_queries_do_not_grow_with_rows(admin_client_logged):
    CustomerFactory.create_batch(5)
    with CaptureQueriesContext(connection) as few:
        admin_client_logged.get(CHANGELIST)
    for customer in CustomerFactory.create_batch(45):
        ServiceFactory(customer=customer)
    with CaptureQueriesContext(connection) as many:
        response = admin_client_logged.get(CHANGELIST, {"active_service": "yes"})
    assert len(listed(response)) == 45
    assert len(many) <= len(few) + 1  # the filter adds nothing per row
    assert len(many) <= 10


def test_phone_intake_records_customer_and_consents_with_call_reference(
    admin_client_logged, seeded
):
    from customers.consents.models import Purpose

    surveys = Purpose.objects.get(code="surveys")
    response = admin_client_logged.post(
        reverse("admin:customers_customer_add"),
        {
            "kind": "individual",
            "full_name": "Hồ Văn Nam",
            "email": "nam.ho@example.vn",
            "phone_mobile": "0908 765 432",
            "preferred_language": "vi",
            "preferred_channel": "phone",
            "source": "phone",
            "consents_given": [surveys.pk],
            "call_reference": "CALL-2026-1122-07",
            **inline_management_forms(),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    customer = Customer.objects.get()
    assert customer.source == Customer.Source.PHONE
    event = ConsentEvent.objects.get()
    assert event.purpose == surveys
    assert event.channel == ConsentEvent.Channel.PHONE
    assert event.staff_user.username == "root"
    assert event.call_reference == "CALL-2026-1122-07"
    assert CustomerChange.objects.get(customer=customer).actor_label == "root"


def test_consents_without_call_reference_are_refused_and_nothing_is_stored(
    admin_client_logged, seeded
):
    from customers.consents.models import Purpose

    response = admin_client_logged.post(
        reverse("admin:customers_customer_add"),
        {
            "kind": "individual",
            "full_name": "Hồ Văn Nam",
            "preferred_language": "vi",
            "preferred_channel": "phone",
            "source": "phone",
            "phone_mobile": "123",
            "consents_given": [Purpose.objects.get(code="surveys").pk],
            **inline_management_forms(),
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "call_reference" in errors and "phone_mobile" in errors
    assert not Customer.objects.exists()


def test_staff_edit_is_recorded_in_history_with_old_value_encrypted(admin_client_logged):
    customer = CustomerFactory(phone_mobile="0903 000 111", email="x@example.vn")
    data = {
        "kind": customer.kind,
        "full_name": customer.full_name,
        "email": customer.email,
        "phone_mobile": "0903 999 888",
        "address_home": customer.address_home,
        "preferred_language": "vi",
        "preferred_channel": "email",
        "source": customer.source,
        **inline_management_forms(),
    }
    response = admin_client_logged.post(
        reverse("admin:customers_customer_change", args=[customer.pk]), data
    )
    assert response.status_code == 302
    change = CustomerChange.objects.get(customer=customer)
    assert change.fields == ["phone_mobile"]
    assert "0903 000 111" in change.diff
    with connection.cursor() as cursor:
        cursor.execute("SELECT diff FROM customers_customerchange WHERE id = %s", [change.pk])
        assert "0903" not in cursor.fetchone()[0]


def inline_management_forms():
    data = {}
    for prefix in [
        "services",
        "warranties",
        "consent_states",
        "messages",
        "changes",
        "pending_changes",
    ]:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def test_destruction_is_approved_with_the_council_asked_on_an_intermediate_page(staff_client):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    from customers.core.roles import Role
    from customers.models import DestructionList

    listing = DestructionList.objects.create(document_ids=[], description=[])
    client = staff_client(role=Role.DPO)
    url = reverse("admin:customers_destructionlist_changelist")
    selection = {"action": "approve", ACTION_CHECKBOX_NAME: [listing.pk]}
    page = client.post(url, selection)
    assert page.status_code == 200
    assert "council" in page.content.decode()
    listing.refresh_from_db()
    assert listing.status == DestructionList.Status.PROPOSED  # nothing yet without a council
    done = client.post(url, {**selection, "council": "Ông A (Giám đốc), Bà B (Kế toán trưởng)"})
    assert done.status_code == 302
    listing.refresh_from_db()
    assert listing.status != DestructionList.Status.PROPOSED
    assert "Ông A (Giám đốc)" in listing.minutes
