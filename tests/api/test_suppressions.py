"""Suppression lists: who must not be contacted now, as per-client salted hashes."""

import hashlib
import hmac

import pytest
from django.utils import timezone

from customers.models import AccessLogEntry, Customer
from customers.retention.erasure import customer_erase
from demo.factories import CustomerFactory
from tests.api.conftest import grant, withdraw

pytestmark = pytest.mark.django_db


def mine(salt, value):
    """What the other system computes over its own list."""
    return hmac.new(bytes.fromhex(salt), value.encode(), hashlib.sha256).hexdigest()


def test_email_list_holds_everyone_without_a_current_grant_and_no_address(
    make_client, call, purposes
):
    granted = CustomerFactory(email="yes@example.vn")
    grant(granted, purposes["marketing_email"])
    withdrew = CustomerFactory(email="no@example.vn")
    grant(withdrew, purposes["marketing_email"])
    withdraw(withdrew, purposes["marketing_email"])
    never = CustomerFactory(email="Never@Example.vn")
    suspended = CustomerFactory(email="fraud@example.vn", email_suspended_at=timezone.now())
    grant(suspended, purposes["marketing_email"])
    restricted = CustomerFactory(email="restricted@example.vn", status=Customer.Status.RESTRICTED)
    grant(restricted, purposes["marketing_email"])
    CustomerFactory(email="")  # nothing to list

    new = make_client("suppression:read", name="mailer")
    answer = call(new.key, "get", "/api/v1/suppressions/email/")
    assert answer.status_code == 200
    body = answer.json()
    salt = new.client.suppression_salt
    assert body["salt"] == salt and body["next"] is None
    expected = {
        mine(salt, e)
        for e in ["no@example.vn", "never@example.vn", "fraud@example.vn", "restricted@example.vn"]
    }
    assert set(body["results"]) == expected
    assert mine(salt, "yes@example.vn") not in body["results"]
    assert "@" not in answer.content.decode()
    entry = AccessLogEntry.objects.get(actor_label="api:mailer")
    assert set(entry.customer_ids) == {withdrew.pk, never.pk, suspended.pk, restricted.pk}
    assert entry.action == AccessLogEntry.Action.LIST
    del granted


def test_two_clients_get_lists_that_cannot_be_joined(make_client, call, purposes):
    CustomerFactory(email="a@example.vn")
    first = call(make_client("suppression:read").key, "get", "/api/v1/suppressions/email/").json()
    second = call(make_client("suppression:read").key, "get", "/api/v1/suppressions/email/").json()
    assert len(first["results"]) == len(second["results"]) == 1
    assert first["results"] != second["results"]


def test_sms_and_call_lists_use_e164_numbers(make_client, call, purposes):
    texted = CustomerFactory(phone_mobile="0912 345 678", phone_office="024 3825 1234")
    grant(texted, purposes["marketing_sms"])
    CustomerFactory(phone_mobile="0987654321")
    new = make_client("suppression:read")
    salt = new.client.suppression_salt
    sms = call(new.key, "get", "/api/v1/suppressions/sms/").json()["results"]
    assert sms == [mine(salt, "+84987654321")]
    calls = set(call(new.key, "get", "/api/v1/suppressions/call/").json()["results"])
    assert calls == {
        mine(salt, "+84912345678"),
        mine(salt, "+842438251234"),
        mine(salt, "+84987654321"),
    }


def test_pages_follow_next_until_every_customer_is_listed_once(make_client, call, purposes):
    emails = [f"k{i}@example.vn" for i in range(7)]
    for email in emails:
        CustomerFactory(email=email)
    new = make_client("suppression:read")
    url, seen, pages = "/api/v1/suppressions/email/?limit=3", [], 0
    while url:
        body = call(new.key, "get", url).json()
        seen += body["results"]
        url, pages = body["next"], pages + 1
    assert pages == 3
    assert sorted(seen) == sorted(mine(new.client.suppression_salt, e) for e in emails)


def test_erased_customers_leave_the_list(make_client, call, purposes):
    customer = CustomerFactory(email="gone@example.vn")
    new = make_client("suppression:read")
    assert len(call(new.key, "get", "/api/v1/suppressions/email/").json()["results"]) == 1
    customer_erase(customer=customer, actor="test", trigger="request", reason="asked")
    assert call(new.key, "get", "/api/v1/suppressions/email/").json()["results"] == []


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/suppressions/fax/", 404, "unknown-channel"),
        ("/api/v1/suppressions/email/?limit=0", 400, "invalid-input"),
        ("/api/v1/suppressions/email/?after=abc", 400, "invalid-input"),
        ("/api/v1/suppressions/email/?limit=1000000", 400, "invalid-input"),
    ],
)
def test_bad_parameters_are_problems(make_client, call, seeded, path, status, code):
    answer = call(make_client("suppression:read").key, "get", path, lang="en")
    assert answer.status_code == status
    assert answer.json()["type"] == f"urn:privacysite:problem:{code}"


def test_suppression_list_needs_its_scope_a_live_key_and_respects_the_rate(
    make_client, call, seeded
):
    from api.services.clients import api_client_revoke

    assert (
        call(make_client("consent:read").key, "get", "/api/v1/suppressions/email/").status_code
        == 403
    )
    revoked = make_client("suppression:read")
    api_client_revoke(client=revoked.client, actor="test")
    assert call(revoked.key, "get", "/api/v1/suppressions/email/").status_code == 401
    limited = make_client("suppression:read", rate=1)
    codes = [call(limited.key, "get", "/api/v1/suppressions/email/").status_code for _ in range(2)]
    assert codes == [200, 429]


# --- The stored per-client hashes (api.SubjectHash): decrypt once, never serve a stale one ---


@pytest.fixture
def decrypts(monkeypatch):
    """How many stored values were decrypted since the fixture started (``decrypts()``)."""
    from customers.core import crypto

    count = {"n": 0}
    real = crypto.decrypt

    def counting(token):
        count["n"] += 1
        return real(token)

    monkeypatch.setattr(crypto, "decrypt", counting)

    def read():
        return count["n"]

    return read


def read_all(call, key, channel="email"):
    url, seen = f"/api/v1/suppressions/{channel}/?limit=2", []
    while url:
        answer = call(key, "get", url)
        assert answer.status_code == 200
        seen += answer.json()["results"]
        url = answer.json()["next"]
    return seen


def stored(client):
    from api.models import SubjectHash

    return dict(SubjectHash.objects.filter(client=client).values_list("index", "hash"))


def test_second_read_decrypts_nothing_and_answers_the_same(make_client, call, purposes, decrypts):
    customers = [CustomerFactory(email=f"p{i}@example.vn", phone_mobile="") for i in range(5)]
    CustomerFactory(email="", phone_mobile="0912 000 111", phone_home="024 3825 0000")
    new = make_client("suppression:read")
    assert stored(new.client) == {}  # no warm task ran (its commit never happened)
    before = decrypts()
    first = read_all(call, new.key)
    assert decrypts() - before >= 5
    indexes = {c.email_index for c in customers}
    assert set(stored(new.client)) == indexes
    before = decrypts()
    assert read_all(call, new.key) == first
    assert decrypts() == before
    assert sorted(first) == sorted(mine(new.client.suppression_salt, c.email) for c in customers)
    # The call list reuses nothing of the email rows, fills its own, then decrypts nothing.
    calls = read_all(call, new.key, "call")
    before = decrypts()
    assert read_all(call, new.key, "call") == calls and decrypts() == before
    assert set(calls) == {
        mine(new.client.suppression_salt, n) for n in ["+84912000111", "+842438250000"]
    }


def test_a_changed_address_is_listed_with_its_new_hash_never_the_old(
    make_client, call, purposes, decrypts
):
    from customers.records.services import customer_update

    customer = CustomerFactory(email="old@example.vn")
    new = make_client("suppression:read")
    salt = new.client.suppression_salt
    assert read_all(call, new.key) == [mine(salt, "old@example.vn")]
    old = customer.email_index
    customer_update(customer=customer, actor="test", data={"email": "New@Example.vn"})
    assert read_all(call, new.key) == [mine(salt, "new@example.vn")]
    customer.refresh_from_db()
    # The row of the old address was replaced by the new one's, not kept beside it.
    assert stored(new.client) == {customer.email_index: mine(salt, "new@example.vn")}
    assert old not in stored(new.client)
    before = decrypts()
    assert read_all(call, new.key) == [mine(salt, "new@example.vn")]
    assert decrypts() == before


def test_erasure_deletes_the_customers_hashes_with_it(make_client, call, purposes):
    from api.models import SubjectHash

    gone = CustomerFactory(email="gone@example.vn", phone_mobile="0912 345 678")
    kept = CustomerFactory(email="kept@example.vn", phone_mobile="")
    new = make_client("suppression:read")
    read_all(call, new.key)
    read_all(call, new.key, "call")
    old = {gone.email_index, gone.phone_mobile_index}
    assert old <= set(stored(new.client))
    customer_erase(customer=gone, actor="test", trigger="request", reason="asked")
    assert not SubjectHash.objects.filter(index__in=old).exists()
    assert not SubjectHash.objects.filter(customer_id=gone.pk).exists()
    assert read_all(call, new.key) == [mine(new.client.suppression_salt, "kept@example.vn")]
    assert read_all(call, new.key, "call") == []
    assert set(stored(new.client)) == {kept.email_index}


def test_revoking_a_client_deletes_its_hashes(make_client, call, purposes):
    from api.services.clients import api_client_revoke

    CustomerFactory(email="a@example.vn")
    revoked, other = make_client("suppression:read"), make_client("suppression:read")
    read_all(call, revoked.key)
    read_all(call, other.key)
    assert len(stored(revoked.client)) == len(stored(other.client)) == 1
    api_client_revoke(client=revoked.client, actor="test")
    assert stored(revoked.client) == {}
    assert len(stored(other.client)) == 1


def test_a_new_client_is_warmed_in_the_background_and_its_first_read_decrypts_nothing(
    make_client, call, purposes, decrypts, django_capture_on_commit_callbacks
):
    customers = [CustomerFactory(email=f"w{i}@example.vn", phone_mobile="") for i in range(3)]
    phoned = CustomerFactory(email="", phone_mobile="0912 345 678", phone_office="024 3825 1234")
    with django_capture_on_commit_callbacks(execute=True) as queued:
        new = make_client("suppression:read")
    assert len(queued) == 1
    expected = {c.email_index for c in customers}
    expected |= {phoned.phone_mobile_index, phoned.phone_office_index}
    assert set(stored(new.client)) == expected
    before = decrypts()
    read_all(call, new.key)
    read_all(call, new.key, "call")
    assert decrypts() == before
    with django_capture_on_commit_callbacks(execute=True) as queued:
        make_client("consent:read")  # cannot read the lists: nothing to warm
    assert queued == []


def test_daily_refresh_fills_active_clients_and_deletes_orphans(
    make_client, call, purposes, django_capture_on_commit_callbacks
):
    from api.models import SubjectHash
    from api.services.clients import api_client_revoke
    from api.tasks import subject_hashes_refresh

    customer = CustomerFactory(email="a@example.vn", phone_mobile="")
    reader, revoked = make_client("suppression:read"), make_client("suppression:read")
    other = make_client("consent:read")
    read_all(call, reader.key)
    api_client_revoke(client=revoked.client, actor="test")
    # An address the customer no longer has (the old row of a changed email, never read since)
    stale = CustomerFactory(email="", phone_mobile="")
    row = {"customer_id": stale.pk, "field": "email", "index": "f" * 64, "hash": "0" * 64}
    SubjectHash.objects.create(client=reader.client, **row)
    SubjectHash.objects.create(
        client=other.client,
        customer_id=customer.pk,
        field="email",
        index=customer.email_index,
        hash="1" * 64,
    )
    CustomerFactory(email="b@example.vn", phone_mobile="")
    with django_capture_on_commit_callbacks(execute=True):
        subject_hashes_refresh.delay()
    assert len(stored(reader.client)) == 2 and "f" * 64 not in stored(reader.client)
    assert stored(revoked.client) == {} and stored(other.client) == {}


def test_two_clients_store_different_hashes_for_the_same_address(make_client, call, purposes):
    customer = CustomerFactory(email="same@example.vn")
    first, second = make_client("suppression:read"), make_client("suppression:read")
    assert read_all(call, first.key) != read_all(call, second.key)
    one, two = stored(first.client), stored(second.client)
    assert set(one) == set(two) == {customer.email_index}
    assert one[customer.email_index] != two[customer.email_index]
    assert one[customer.email_index] == mine(first.client.suppression_salt, "same@example.vn")


def test_the_lookup_and_the_suppression_lists_agree_on_who_may_be_contacted(
    make_client, call, purposes
):
    """One rule (issue 31, finding 9): a customer the email list names is never "given" for
    email marketing in the lookup, and the other way round."""
    people = {
        "plain": CustomerFactory(email="plain@example.vn", phone_mobile="0912000001"),
        "suspended": CustomerFactory(
            email="fraud@example.vn", phone_mobile="0912000002", email_suspended_at=timezone.now()
        ),
        "restricted": CustomerFactory(
            email="restricted@example.vn",
            phone_mobile="0912000003",
            status=Customer.Status.RESTRICTED,
        ),
    }
    for customer in people.values():
        grant(customer, purposes["marketing_email"])
        grant(customer, purposes["marketing_sms"])
    new = make_client("suppression:read", "consent:read")
    salt = new.client.suppression_salt
    email_list = set(call(new.key, "get", "/api/v1/suppressions/email/").json()["results"])
    sms_list = set(call(new.key, "get", "/api/v1/suppressions/sms/").json()["results"])
    for name, customer in people.items():
        answer = call(new.key, "post", "/api/v1/consents/lookup/", {"email": customer.email})
        given = {c["purpose_id"] for c in answer.json()["consents"]}
        listed_email = mine(salt, customer.email) in email_list
        listed_sms = mine(salt, "+84" + customer.phone_mobile[1:]) in sms_list
        assert ("marketing_email" in given) is not listed_email, name
        assert ("marketing_sms" in given) is not listed_sms, name
    assert mine(salt, "fraud@example.vn") in email_list  # suspended: email only
    assert mine(salt, "+84912000002") not in sms_list
