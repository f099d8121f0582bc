import pytest
from django.urls import reverse

from customers.consents.models import AppendOnlyError, ConsentEvent, ConsentState, Purpose
from customers.consents.selectors import customers_consenting, needs_reconfirmation
from customers.consents.services.ledger import (
    consent_grant,
    consent_state_rebuild,
    consent_withdraw,
)
from demo.factories import CustomerFactory
from tests.conftest import login_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketing(seeded):
    return Purpose.objects.get(code="marketing_email")


def grant(customer, purpose, **kwargs):
    return consent_grant(customer=customer, purpose=purpose, channel="web_form", **kwargs)


def withdraw(customer, purpose):
    return consent_withdraw(customer=customer, purpose=purpose, channel="preferences")


def test_state_follows_grant_withdraw_grant_and_every_step_stays_in_the_ledger(marketing):
    customer = CustomerFactory()
    grant(customer, marketing)
    withdraw(customer, marketing)
    grant(customer, marketing)
    actions = list(
        ConsentEvent.objects.filter(customer=customer)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["granted", "withdrawn", "granted"]
    assert ConsentState.objects.get(customer=customer, purpose=marketing).granted is True
    assert list(customers_consenting("marketing_email")) == [customer]


def test_repeats_change_nothing(marketing):
    customer = CustomerFactory()
    assert grant(customer, marketing) is not None
    assert grant(customer, marketing) is None
    assert withdraw(customer, marketing) is not None
    assert withdraw(customer, marketing) is None
    assert ConsentEvent.objects.count() == 2


def test_withdrawing_what_was_never_given_records_nothing(marketing):
    assert withdraw(CustomerFactory(), marketing) is None
    assert not ConsentEvent.objects.exists()


def test_event_names_policy_version_and_exact_wording(marketing):
    event = grant(CustomerFactory(), marketing, language="en")
    assert event.policy_version.number == 1
    assert event.wording == marketing.description_en


def test_ledger_rows_cannot_be_changed_or_deleted_through_the_orm(marketing):
    event = grant(CustomerFactory(), marketing)
    with pytest.raises(AppendOnlyError):
        ConsentEvent.objects.filter(pk=event.pk).update(action="withdrawn")
    with pytest.raises(AppendOnlyError):
        ConsentEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        event.delete()
    event.action = "withdrawn"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert ConsentEvent.objects.get(pk=event.pk).action == "granted"


def test_ledger_admin_is_read_only_even_for_a_superuser(client, staff_user, marketing):
    event = grant(CustomerFactory(), marketing)
    login_staff(client, staff_user(superuser=True))
    change_url = reverse("admin:consents_consentevent_change", args=[event.pk])
    response = client.get(change_url)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert client.post(change_url, {"action": "withdrawn"}).status_code == 403
    delete_url = reverse("admin:consents_consentevent_delete", args=[event.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:consents_consentevent_add")).status_code == 403
    assert ConsentEvent.objects.filter(pk=event.pk, action="granted").exists()


def test_state_can_be_rebuilt_from_the_ledger(marketing):
    customers = CustomerFactory.create_batch(3)
    for customer in customers:
        grant(customer, marketing)
    withdraw(customers[1], marketing)
    ConsentState.objects.all().delete()
    assert consent_state_rebuild() == 3
    assert set(customers_consenting("marketing_email")) == {customers[0], customers[2]}


def test_changed_wording_asks_for_reconfirmation(marketing):
    customer = CustomerFactory()
    grant(customer, marketing)
    assert needs_reconfirmation(customer) == []
    marketing.description_vi += " Tối đa 1 email mỗi tuần."
    marketing.save()
    assert needs_reconfirmation(customer) == [marketing]
    grant(customer, marketing)  # granting again under the new wording is recorded
    assert needs_reconfirmation(customer) == []
    assert ConsentEvent.objects.filter(customer=customer).count() == 2


def test_consent_proof_lists_who_agreed_to_what_and_how(client, staff_user, marketing):
    customer = CustomerFactory()
    grant(customer, marketing, ip_address="198.51.100.4")
    login_staff(client, staff_user(superuser=True))
    response = client.get(reverse("admin:customers_customer_consent_proof", args=[customer.pk]))
    html = response.content.decode()
    assert marketing.description_vi in html
    assert "198.51.100.4" in html
    assert "Biểu mẫu web" in html
