"""Reading a customer's consents and recording one from another channel."""

from datetime import datetime

import pytest

from api.models import ApiConsentRecord
from consents.models import ConsentEvent, ConsentState
from customers.models import AccessLogEntry
from demo.factories import CustomerFactory
from tests.api.conftest import grant, withdraw

pytestmark = pytest.mark.django_db

LOOKUP = "/api/v1/consents/lookup/"
RECORD = "/api/v1/consents/"


def test_lookup_answers_the_purposes_granted_now_with_policy_version_and_time(
    make_client, call, purposes
):
    customer = CustomerFactory(email="lan@example.vn", phone_mobile="0912345678")
    given = grant(customer, purposes["marketing_email"])
    grant(customer, purposes["marketing_sms"])
    withdraw(customer, purposes["marketing_sms"])
    key = make_client("consent:read").key

    for address in ({"email": "Lan@Example.vn"}, {"phone": "+84 912 345 678"}):
        answer = call(key, "post", LOOKUP, address, lang="en")
        assert answer.status_code == 200
        body = answer.json()
        assert body["schema_version"] == "ISO/IEC TS 27560:2023"
        assert [c["purpose_id"] for c in body["consents"]] == ["marketing_email"]
        record = body["consents"][0]
        assert record["event_state"] == "given"
        assert record["notice_id"] == "privacy-policy-v1"
        assert record["record_id"] == given.pk
        assert datetime.fromisoformat(record["event_time"]) == given.created_at
        assert record["notice_text"] == given.wording
        assert record["lawful_basis"] == "consent"


def test_unknown_address_answers_the_same_shape_with_nothing_granted(make_client, call, purposes):
    key = make_client("consent:read").key
    known = CustomerFactory(email="known@example.vn")
    unknown = call(key, "post", LOOKUP, {"email": "nobody@example.vn"}).json()
    nothing_granted = call(key, "post", LOOKUP, {"email": "known@example.vn"}).json()
    assert unknown == nothing_granted == {"schema_version": "ISO/IEC TS 27560:2023", "consents": []}
    assert known.pk in AccessLogEntry.objects.order_by("id").last().customer_ids


def test_lookup_needs_the_read_scope(make_client, call, seeded):
    key = make_client("suppression:read", "consent:write").key
    answer = call(key, "post", LOOKUP, {"email": "a@example.vn"}, lang="en")
    assert answer.status_code == 403
    assert answer.json()["title"] == "This key may not do that"
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(
    "body",
    [{}, {"email": "not-an-email"}, {"phone": "12"}, {"email": "a@b.vn", "phone": "0912345678"}],
)
def test_lookup_bad_input_is_a_problem_naming_the_field(make_client, call, seeded, body):
    key = make_client("consent:read").key
    answer = call(key, "post", LOOKUP, body, lang="en")
    assert answer.status_code == 400
    problem = answer.json()
    assert answer["Content-Type"] == "application/problem+json"
    assert problem["type"] == "urn:privacysite:problem:invalid-input"
    assert problem["errors"]
    assert problem["instance"] == LOOKUP


def test_lookup_does_not_accept_the_address_in_the_url(make_client, call, seeded):
    key = make_client("consent:read").key
    assert call(key, "get", LOOKUP + "?email=a@example.vn").status_code == 405


def record_body(purposes, **overrides):
    return {
        "email": "lan@example.vn",
        "purpose": "marketing_phone",
        "granted": True,
        "wording": purposes["marketing_phone"].description_vi,
        "language": "vi",
        "channel": "phone",
        "reference": "CALL-2026-0042",
        **overrides,
    }


def test_recording_lands_in_the_ledger_with_the_wording_and_the_system(make_client, call, purposes):
    customer = CustomerFactory(email="lan@example.vn")
    new = make_client("consent:write", name="call-centre")
    answer = call(new.key, "post", RECORD, record_body(purposes))
    assert answer.status_code == 201, answer.json()
    event = ConsentEvent.objects.get(customer=customer)
    assert event.channel == ConsentEvent.Channel.API
    assert event.wording == purposes["marketing_phone"].description_vi
    assert event.call_reference == "CALL-2026-0042"
    assert ConsentState.objects.get(customer=customer, purpose=purposes["marketing_phone"]).granted
    link = ApiConsentRecord.objects.get(event=event)
    assert (link.client, link.channel) == (new.client, "phone")
    assert answer.json()["record_id"] == event.pk
    entry = AccessLogEntry.objects.get(actor_label="api:call-centre")
    assert entry.action == AccessLogEntry.Action.CHANGE and entry.customer_ids == [customer.pk]

    repeat = call(new.key, "post", RECORD, record_body(purposes))
    assert repeat.status_code == 200 and repeat.json()["record_id"] == event.pk
    withdrawn = call(new.key, "post", RECORD, record_body(purposes, granted=False))
    assert withdrawn.status_code == 201 and withdrawn.json()["event_state"] == "withdrawn"
    assert ConsentEvent.objects.filter(customer=customer).count() == 2


@pytest.mark.parametrize(
    ("overrides", "code", "status"),
    [
        ({"wording": "Tôi đồng ý mọi thứ."}, "wording-differs", 422),
        ({"purpose": "service"}, "unknown-purpose", 422),
        ({"purpose": "nope"}, "unknown-purpose", 422),
        ({"email": "stranger@example.vn"}, "unknown-customer", 422),
        ({"channel": "fax"}, "invalid-input", 400),
        ({"granted": "maybe"}, "invalid-input", 400),
        ({"language": "fr"}, "invalid-input", 400),
    ],
)
def test_recording_bad_input_writes_nothing(make_client, call, purposes, overrides, code, status):
    CustomerFactory(email="lan@example.vn")
    key = make_client("consent:write").key
    answer = call(key, "post", RECORD, record_body(purposes, **overrides))
    assert answer.status_code == status
    assert answer.json()["type"] == f"urn:privacysite:problem:{code}"
    assert answer.json()["detail"]
    assert not ConsentEvent.objects.exists()
    assert not ApiConsentRecord.objects.exists()


def test_a_phone_shared_by_two_customers_is_refused(make_client, call, purposes):
    CustomerFactory(phone_mobile="0912345678")
    CustomerFactory(phone_mobile="0912345678")
    key = make_client("consent:write").key
    body = record_body(purposes)
    del body["email"]
    answer = call(key, "post", RECORD, {**body, "phone": "0912 345 678"})
    assert answer.status_code == 409
    assert not ConsentEvent.objects.exists()


def test_recording_needs_the_write_scope_and_a_live_key(make_client, call, purposes):
    from api.services.clients import api_client_revoke

    CustomerFactory(email="lan@example.vn")
    reader = make_client("consent:read")
    assert call(reader.key, "post", RECORD, record_body(purposes)).status_code == 403
    writer = make_client("consent:write")
    api_client_revoke(client=writer.client, actor="test")
    assert call(writer.key, "post", RECORD, record_body(purposes)).status_code == 401
    assert not ConsentEvent.objects.exists()


def test_an_error_is_explained_in_vietnamese_by_default(make_client, call, purposes):
    CustomerFactory(email="lan@example.vn")
    key = make_client("consent:write").key
    answer = call(key, "post", RECORD, record_body(purposes, wording="khác"))
    assert answer["Content-Language"] == "vi"
    english = call(key, "post", RECORD, record_body(purposes, wording="khác"), lang="en")
    assert english.json()["title"] == "The wording differs"
    assert answer.json()["title"] != english.json()["title"]


def test_a_lookup_costs_the_key_one_read_and_the_log_entry(
    make_client, call, purposes, django_assert_num_queries
):
    customer = CustomerFactory(email="lan@example.vn")
    grant(customer, purposes["marketing_email"])
    grant(customer, purposes["marketing_sms"])
    key = make_client("consent:read").key
    call(key, "post", LOOKUP, {"email": "lan@example.vn"})  # the purposes are cached now
    with django_assert_num_queries(3):
        answer = call(key, "post", LOOKUP, {"email": "lan@example.vn"})
    assert len(answer.json()["consents"]) == 2
