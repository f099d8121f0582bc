"""Keys: shown once, stored hashed, scoped, revocable, rate-limited; every call logged."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command

from api.models import ApiClient
from customers.models import AccessLogEntry
from demo.factories import CustomerFactory

pytestmark = pytest.mark.django_db

LOOKUP = "/api/v1/consents/lookup/"


def test_the_key_is_not_stored_only_its_hash(make_client):
    new = make_client("consent:read")
    stored = ApiClient.objects.filter(pk=new.client.pk).values().get()
    assert new.key not in str(stored)
    assert new.key.split("_", 2)[2] not in str(stored)  # the secret may hold "_" itself


def test_command_prints_a_working_key_once_and_revoke_stops_it(call, seeded, capsys):
    call_command("api_client_create", "crm", "--scope", "consent:read")
    out = capsys.readouterr().out
    key = next(line.split(": ")[1] for line in out.splitlines() if line.startswith("Khóa"))
    assert call(key, "post", LOOKUP, {"email": "a@example.vn"}).status_code == 200

    call_command("api_client_revoke", "crm")
    answer = call(key, "post", LOOKUP, {"email": "a@example.vn"})
    assert answer.status_code == 401
    assert answer["Content-Type"] == "application/problem+json"
    assert "revoked" in answer.json()["detail"].lower() or "thu hồi" in answer.json()["detail"]

    call_command("api_client_revoke", "crm")  # a repeat is harmless
    assert "đã bị thu hồi trước đó" in capsys.readouterr().out


def test_command_refuses_an_unknown_scope_and_a_taken_name(make_client):
    make_client("consent:read", name="crm")
    with pytest.raises(CommandError, match="Đã có"):
        call_command("api_client_create", "crm", "--scope", "consent:read")
    with pytest.raises(CommandError):
        call_command("api_client_create", "other", "--scope", "everything")
    with pytest.raises(CommandError, match="Không có hệ thống kết nối API"):
        call_command("api_client_revoke", "nobody")


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer psk_nothing_here", "Token abc", "Bearer not-a-key"],
)
def test_missing_or_wrong_keys_get_401_problem_in_vietnamese(seeded, header, client):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    answer = client.post(
        LOOKUP, {"email": "a@example.vn"}, content_type="application/json", **extra
    )
    assert answer.status_code == 401
    body = answer.json()
    assert answer["Content-Type"] == "application/problem+json"
    assert body["status"] == 401 and body["type"].startswith("urn:privacysite:problem:")
    assert answer["Content-Language"] == "vi"
    assert answer["WWW-Authenticate"].startswith("Bearer")


def test_english_when_the_caller_asks_for_it(call, seeded):
    answer = call("psk_0_0", "post", LOOKUP, {"email": "a@example.vn"}, lang="en")
    assert answer.status_code == 401
    assert answer.json()["detail"] == "This API key is not valid."
    vi = call("psk_0_0", "post", LOOKUP, {"email": "a@example.vn"}, lang="vi")
    assert vi.json()["detail"] != "This API key is not valid."


def test_rate_limit_answers_429_with_retry_after(make_client, call, seeded):
    new = make_client("consent:read", rate=3)
    other = make_client("consent:read", rate=3)
    # Pinned to the clock, 0.5 s before a minute's end: a fixed per-minute window would let
    # the fourth call through in the next minute (issue 31, finding 12).
    start = datetime(2026, 12, 5, 9, 59, 59, 500_000, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        codes = []
        for _ in range(4):
            codes.append(call(new.key, "post", LOOKUP, {"email": "a@example.vn"}).status_code)
            clock.shift(0.3)
        assert codes == [200, 200, 200, 429]
        limited = call(new.key, "post", LOOKUP, {"email": "a@example.vn"}, lang="en")
        assert limited.json()["title"] == "Too many requests"
        assert 0 < int(limited["Retry-After"]) <= 60
        # Each system has its own budget.
        assert call(other.key, "post", LOOKUP, {"email": "a@example.vn"}).status_code == 200
        # A sliding minute: the budget comes back as the first calls get a minute old.
        clock.shift(58)  # 59.2 s after the first call
        assert call(new.key, "post", LOOKUP, {"email": "a@example.vn"}).status_code == 429
        clock.shift(0.9)  # 60.1 s: the first call is out of the minute, the others not
        assert call(new.key, "post", LOOKUP, {"email": "a@example.vn"}).status_code == 200
        assert call(new.key, "post", LOOKUP, {"email": "a@example.vn"}).status_code == 429


def test_a_client_that_waits_retry_after_gets_through(make_client, call, seeded):
    new = make_client("consent:read", rate=2)
    with time_machine.travel(datetime(2026, 12, 5, 10, 0, 0, tzinfo=UTC), tick=False) as clock:
        for _ in range(2):
            assert call(new.key, "post", LOOKUP, {"email": "a@example.vn"}).status_code == 200
        waits = []
        while (answer := call(new.key, "post", LOOKUP, {"email": "a@example.vn"})).status_code:
            if answer.status_code == 200:
                break
            assert answer.status_code == 429 and len(waits) < 5
            waits.append(int(answer["Retry-After"]))
            assert 1 <= waits[-1] <= 61
            clock.shift(waits[-1])
        assert waits == [61]  # exact: once the first call is over a minute old


def test_a_cache_outage_lets_calls_through(make_client, call, seeded, monkeypatch):
    def down(url):
        raise ConnectionError("redis down")

    monkeypatch.setattr("api.throttling.limiter", down)
    new = make_client("consent:read", rate=1)
    codes = [call(new.key, "post", LOOKUP, {"email": "a@example.vn"}).status_code for _ in "ab"]
    assert codes == [200, 200]


def test_every_call_is_in_the_access_log_as_that_system(make_client, call, seeded):
    customer = CustomerFactory(email="lan@example.vn")
    new = make_client("consent:read", name="crm")
    call(new.key, "post", LOOKUP, {"email": "LAN@example.vn "})
    entry = AccessLogEntry.objects.get(actor_label="api:crm")
    assert entry.actor is None
    assert entry.customer_ids == [customer.pk]
    assert entry.action == AccessLogEntry.Action.VIEW
    assert "lan@" not in str(entry.__dict__)


def test_schema_is_served_and_describes_the_endpoints(client, db):
    answer = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert answer.status_code == 200
    schema = answer.json()
    assert set(schema["paths"]) >= {
        "/api/v1/consents/lookup/",
        "/api/v1/consents/",
        "/api/v1/suppressions/{channel}/",
    }
    assert schema["components"]["securitySchemes"]["bearerKey"]["scheme"] == "bearer"


@pytest.mark.django_db(transaction=True)
def test_a_read_logged_with_asynchronous_commit_is_still_in_the_log(
    make_client, call, seeded, settings, postgres
):
    settings.API_ACCESS_LOG_ASYNC_COMMIT = True
    customer = CustomerFactory(email="lan@example.vn")
    new = make_client("consent:read", name="crm")
    assert call(new.key, "post", LOOKUP, {"email": "lan@example.vn"}).status_code == 200
    entry = AccessLogEntry.objects.get(actor_label="api:crm")
    assert entry.customer_ids == [customer.pk]
