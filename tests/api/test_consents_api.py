"""Reading a customer's consents and recording one from another channel."""

import time
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from api.models import ApiClient, ApiConsentRecord
from api.services.clients import api_client_revoke
from customers.audit.services import access_log_seal, access_log_verify
from customers.consents.models import ConsentEvent, ConsentState
from customers.models import AccessLogEntry
from demo.factories import CustomerFactory
from tests.api.conftest import grant, withdraw

pytestmark = pytest.mark.django_db

LOOKUP = "/api/v1/consents/lookup/"
RECORD = "/api/v1/consents/"
ACCEPTED = {
    "status": "accepted",
    "purpose": "marketing_phone",
    "granted": True,
    "reference": "CALL-2026-0042",
}


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
    assert answer.status_code == 202, answer.json()
    assert answer.json() == ACCEPTED
    event = ConsentEvent.objects.get(customer=customer)
    assert event.channel == ConsentEvent.Channel.API
    assert event.wording == purposes["marketing_phone"].description_vi
    assert event.call_reference == "CALL-2026-0042"
    assert ConsentState.objects.get(customer=customer, purpose=purposes["marketing_phone"]).granted
    link = ApiConsentRecord.objects.get(event=event)
    assert (link.client, link.channel) == (new.client, "phone")
    entry = AccessLogEntry.objects.get(actor_label="api:call-centre")
    assert entry.action == AccessLogEntry.Action.CHANGE and entry.customer_ids == [customer.pk]

    repeat = call(new.key, "post", RECORD, record_body(purposes))
    assert repeat.status_code == 202 and repeat.json() == ACCEPTED
    withdrawn = call(new.key, "post", RECORD, record_body(purposes, granted=False))
    assert withdrawn.status_code == 202
    assert withdrawn.json() == {**ACCEPTED, "granted": False}
    assert ConsentEvent.objects.filter(customer=customer).count() == 2
    assert ConsentEvent.objects.filter(customer=customer).first().action == "withdrawn"
    # Withdrawing what was never given: the same answer, nothing written.
    sms = {"purpose": "marketing_sms", "wording": purposes["marketing_sms"].description_vi}
    never = call(new.key, "post", RECORD, record_body(purposes, **sms, granted=False))
    assert never.status_code == 202 and never.json()["status"] == "accepted"
    assert ConsentEvent.objects.filter(customer=customer).count() == 2


def test_recording_for_an_unknown_address_answers_as_for_a_customer_and_is_logged(
    make_client, call, purposes
):
    """Issue 31, finding 10: the answer does not tell who is a customer."""
    CustomerFactory(email="lan@example.vn")
    new = make_client("consent:write", name="call-centre")
    known = call(new.key, "post", RECORD, record_body(purposes))
    unknown = call(new.key, "post", RECORD, record_body(purposes, email="stranger@example.vn"))
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == known.json()
    assert set(unknown.headers) == set(known.headers)
    assert ConsentEvent.objects.count() == 1
    entries = AccessLogEntry.objects.filter(actor_label="api:call-centre").order_by("pk")
    assert [e.action for e in entries] == [AccessLogEntry.Action.CHANGE] * 2
    assert entries[1].customer_ids == []


@pytest.mark.parametrize(
    ("overrides", "code", "status"),
    [
        ({"wording": "Tôi đồng ý mọi thứ."}, "wording-differs", 422),
        ({"purpose": "service"}, "unknown-purpose", 422),
        ({"purpose": "nope"}, "unknown-purpose", 422),
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
    make_client, call, purposes, django_assert_num_queries, settings
):
    """The key is read once per API_KEY_CACHE_SECONDS, the purposes are cached, so a lookup
    is its one query and then the log entry."""
    customer = CustomerFactory(email="lan@example.vn")
    grant(customer, purposes["marketing_email"])
    grant(customer, purposes["marketing_sms"])
    key = make_client("consent:read").key
    call(key, "post", LOOKUP, {"email": "lan@example.vn"})  # the key and purposes are cached
    with django_assert_num_queries(2) as captured:
        answer = call(key, "post", LOOKUP, {"email": "lan@example.vn"})
    assert [q["sql"].split()[0] for q in captured.captured_queries] == ["SELECT", "INSERT"]
    assert len(answer.json()["consents"]) == 2


def test_every_lookup_writes_its_own_log_entry(make_client, call, purposes):
    customer = CustomerFactory(email="lan@example.vn", phone_mobile="0912345678")
    grant(customer, purposes["marketing_email"])
    new = make_client("consent:read", name="crm")
    call(new.key, "post", LOOKUP, {"email": "lan@example.vn"})
    logged = AccessLogEntry.objects.count()
    for _ in range(7):
        answer = call(new.key, "post", LOOKUP, {"email": "lan@example.vn"}, REMOTE_ADDR="10.1.2.3")
        assert [c["purpose_id"] for c in answer.json()["consents"]] == ["marketing_email"]
    call(new.key, "post", LOOKUP, {"phone": "0912 345 678"})
    call(new.key, "post", LOOKUP, {"email": "nobody@example.vn"})
    entries = list(AccessLogEntry.objects.order_by("id")[logged:])
    assert len(entries) == 9
    first, last = entries[0], entries[-1]
    assert (first.actor_label, first.action, first.customer_ids, first.fields) == (
        "api:crm",
        "view",
        [customer.pk],
        ["consents"],
    )
    assert (first.reason, first.ip_address) == ("API POST /api/v1/consents/lookup/", "10.1.2.3")
    assert entries[7].customer_ids == [customer.pk]  # found by phone
    assert last.customer_ids == []  # an unknown address is logged too
    # The raw entries are sealed and verified like any other.
    access_log_seal()
    assert access_log_verify().ok


def test_a_failed_lookup_leaves_no_log_entry_and_a_logged_one_its_answer(
    postgres, make_client, call, purposes
):
    """An entry that cannot be written is no answer."""
    customer = CustomerFactory(email="lan@example.vn")
    grant(customer, purposes["marketing_email"])
    key = make_client("consent:read").key
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE customers_accesslogentry ADD CONSTRAINT test_no_api_reads "
            "CHECK (actor_label NOT LIKE 'api:%%')"
        )
    count = AccessLogEntry.objects.count()
    with transaction.atomic():
        answer = call(key, "post", LOOKUP, {"email": "lan@example.vn"})
    # A 500 problem (issue 31, finding 8: every API error is one), with nothing of the answer.
    assert answer.status_code == 500 and answer["Content-Type"] == "application/problem+json"
    assert "marketing_email" not in answer.content.decode()
    assert AccessLogEntry.objects.count() == count


def test_a_revoked_key_is_refused_at_once_here_and_within_seconds_everywhere(
    make_client, call, seeded, settings
):
    settings.API_KEY_CACHE_SECONDS = 0.3
    new = make_client("consent:read")
    assert call(new.key, "post", LOOKUP, {"email": "a@example.vn"}).status_code == 200
    # Another process revoking: this one still trusts what it read a moment ago...
    ApiClient.objects.filter(pk=new.client.pk).update(revoked_at=timezone.now())
    assert call(new.key, "post", LOOKUP, {"email": "a@example.vn"}).status_code == 200
    # ...for at most API_KEY_CACHE_SECONDS.
    time.sleep(0.4)
    refused = call(new.key, "post", LOOKUP, {"email": "a@example.vn"}, lang="en")
    assert refused.status_code == 401
    # Revoked in this process: refused at once.
    other = make_client("consent:read")
    assert call(other.key, "post", LOOKUP, {"email": "a@example.vn"}).status_code == 200
    api_client_revoke(client=other.client, actor="test")
    assert call(other.key, "post", LOOKUP, {"email": "a@example.vn"}).status_code == 401
    # A wrong secret behind a known prefix is refused from the cache too.
    prefix = new.key.rsplit("_", 1)[0]
    assert call(f"{prefix}_wrong", "post", LOOKUP, {"email": "a@example.vn"}).status_code == 401


def test_a_clock_set_back_does_not_keep_a_revoked_key_working(make_client, call, seeded, settings):
    """The key cache counts seconds on a clock that never goes back: setting the wall
    clock an hour back (NTP, a wrong manual setting) does not extend what it trusts."""
    settings.API_KEY_CACHE_SECONDS = 0.3
    new = make_client("consent:read")
    assert call(new.key, "post", LOOKUP, {"email": "a@example.vn"}).status_code == 200
    ApiClient.objects.filter(pk=new.client.pk).update(revoked_at=timezone.now())
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=True):
        time.sleep(0.4)
        assert call(new.key, "post", LOOKUP, {"email": "a@example.vn"}).status_code == 401


def test_api_posts_carry_the_security_headers_and_set_no_cookie(make_client, call, seeded):
    key = make_client("consent:read").key
    answer = call(key, "post", LOOKUP, {"email": "a@example.vn"})
    assert answer.status_code == 200
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert "X-Request-ID" in answer
    assert not answer.cookies  # no session, no CSRF cookie


def test_a_lookup_for_a_host_outside_allowed_hosts_is_refused(make_client, call, seeded):
    key = make_client("consent:read").key
    answer = call(key, "post", LOOKUP, {"email": "a@example.vn"}, HTTP_HOST="evil.example")
    assert answer.status_code == 400
    assert not AccessLogEntry.objects.filter(actor_label__startswith="api:").exists()


def test_during_a_change_of_index_key_both_keys_find_the_customer(
    make_client, call, purposes, settings
):
    customer = CustomerFactory(email="lan@example.vn", phone_mobile="0912345678")
    grant(customer, purposes["marketing_email"])
    key = make_client("consent:read").key
    settings.BLIND_INDEX_KEY_NEXT = "the-next-index-key"  # rows still carry the old key's index
    for address in ({"email": "lan@example.vn"}, {"phone": "0912 345 678"}):
        answer = call(key, "post", LOOKUP, address)
        assert [c["purpose_id"] for c in answer.json()["consents"]] == ["marketing_email"]


def test_a_web_registration_never_confirmed_is_not_consenting_for_other_systems(
    make_client, call, purposes
):
    """Anyone can type an address into the public form and tick the boxes: other systems
    are told of those consents (lookup, webhook) once the address is confirmed, as our own
    campaigns wait for it."""
    from api.models import WebhookEvent
    from api.services.webhooks import webhook_subscription_create
    from customers.records.services import confirmation_token, customer_confirm_contact

    key = make_client("consent:read").key
    crm = make_client("consent:read", name="crm").client
    webhook_subscription_create(
        client=crm, url="https://crm.example.vn/hook", events=["consent.changed"], actor=None
    )
    customer = CustomerFactory(email="typed.in@example.vn", contact_confirmed_at=None)
    grant(customer, purposes["marketing_email"])
    assert call(key, "post", LOOKUP, {"email": "typed.in@example.vn"}).json()["consents"] == []
    assert not WebhookEvent.objects.exists()

    customer_confirm_contact(token=confirmation_token(customer))
    answer = call(key, "post", LOOKUP, {"email": "typed.in@example.vn"}).json()
    assert [c["purpose_id"] for c in answer["consents"]] == ["marketing_email"]
    [event] = WebhookEvent.objects.filter(type="consent.changed", customer_id=customer.pk)
    assert event.data["purpose_id"] == "marketing_email" and event.data["event_state"] == "given"


@pytest.fixture
def crm_hook(make_client):
    from api.services.webhooks import webhook_subscription_create

    crm = make_client("consent:read", name="crm").client
    webhook_subscription_create(
        client=crm, url="https://crm.example.vn/hook", events=["consent.changed"], actor=None
    )


def states_told(customer):
    from api.models import WebhookEvent

    events = WebhookEvent.objects.filter(customer_id=customer.pk).order_by("pk")
    return [(e.data["purpose_id"], e.data["event_state"]) for e in events]


def test_a_withdrawal_is_told_at_once_even_before_the_address_is_confirmed(crm_hook, purposes):
    """(Found in review.) Only grants wait for the confirmation: a withdrawal never harms
    (and registrations from before the grants were held had theirs told already)."""
    customer = CustomerFactory(contact_confirmed_at=None)
    grant(customer, purposes["marketing_email"])
    withdraw(customer, purposes["marketing_email"])
    assert states_told(customer) == [("marketing_email", "withdrawn")]


def test_a_phone_customer_confirming_a_change_is_not_announced_again(crm_hook, purposes):
    """(Found in review.) Customers from other sources never had their consents held:
    confirming their address (through a change they sent on the form) repeats nothing."""
    import json

    from customers.models import Customer, PendingChange
    from customers.records.pending import pending_change_confirm, pending_token

    customer = CustomerFactory(source=Customer.Source.PHONE, contact_confirmed_at=None)
    grant(customer, purposes["marketing_email"])
    payload = {"values": {}, "consented": [], "channel": "web_form", "language": "vi"}
    payload |= {"policy_version": None, "ip_address": "", "user_agent": ""}
    change = PendingChange.objects.create(
        customer=customer,
        payload=json.dumps(payload),
        fields=[],
        expires_at=timezone.now() + timedelta(days=3),
    )
    pending_change_confirm(token=pending_token(change))
    assert states_told(customer) == [("marketing_email", "given")]


def test_the_suppression_list_holds_a_web_registration_until_it_is_confirmed(make_client, purposes):
    """(Found in review.) A system that sends to everyone not suppressed must not reach an
    address typed into the form by someone else; once confirmed, it leaves the list."""
    from api.selectors import suppression_page
    from customers.records.services import confirmation_token, customer_confirm_contact

    client = make_client("suppression:read").client
    customer = CustomerFactory(contact_confirmed_at=None)
    grant(customer, purposes["marketing_email"])

    def listed():
        rows = suppression_page(client_id=client.pk, channel="email", after=0, limit=1000)
        return customer.pk in [row[0] for row in rows]

    assert listed()
    customer_confirm_contact(token=confirmation_token(customer))
    assert not listed()
