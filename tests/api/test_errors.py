"""Every answer of the API that is not a success is an RFC 9457 problem, in the caller's
language (issue 31, finding 8)."""

import pytest
from django.utils import translation
from rest_framework import exceptions
from rest_framework.test import APIClient

from api.serializers import AddressSerializer, ConsentRecordInSerializer
from api.views import SuppressionQuery

pytestmark = pytest.mark.django_db

LOOKUP = "/api/v1/consents/lookup/"
RECORD = "/api/v1/consents/"
PROBLEM = "application/problem+json"


@pytest.fixture
def key(make_client, seeded):
    return make_client().key


def send(key, method, path, body=None, content_type="application/json", lang=None, **extra):
    client = APIClient(raise_request_exception=False)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    if lang:
        headers["HTTP_ACCEPT_LANGUAGE"] = lang
    if body is None:
        return getattr(client, method)(path, **headers, **extra)
    return getattr(client, method)(path, body, content_type=content_type, **headers, **extra)


def assert_problem(answer, status):
    assert answer.status_code == status, answer.content[:300]
    assert answer["Content-Type"] == PROBLEM
    body = answer.json()
    assert body["status"] == status and body["type"].startswith("urn:privacysite:problem:")
    assert body["title"] and body["detail"]
    return body


@pytest.mark.parametrize("path", [LOOKUP, RECORD])
def test_deeply_nested_json_is_a_400_problem_not_a_server_error(key, path):
    nested = "[" * 100_000 + "]" * 100_000
    for body in (nested, '{"email": ' + nested + "}"):
        body = assert_problem(send(key, "post", path, body), 400)
        assert body["type"].endswith(":invalid-input")


@pytest.mark.parametrize("path", [LOOKUP, RECORD])
def test_a_body_over_the_upload_limit_is_a_413_problem(key, path, settings):
    too_big = '{"email": "' + "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + '"}'
    assert_problem(send(key, "post", path, too_big), 413)


def test_posts_carry_the_headers_the_same_api_sends_on_get(key):
    got = send(key, "get", "/api/v1/suppressions/email/")
    assert got.status_code == 200
    answers = [
        send(key, "post", LOOKUP, '{"email": "a@example.vn"}'),
        send(key, "post", LOOKUP, "{"),
        send(key, "post", RECORD, "[" * 5000),
        send(None, "post", LOOKUP, '{"email": "a@example.vn"}'),
    ]
    for answer in answers:
        assert set(got.headers) - set(answer.headers) == set(), answer.status_code
    for answer in [got, *answers]:
        assert answer["Cache-Control"] == "no-store"
        assert "Accept-Language" in answer["Vary"]


def error_answers(key):
    """One of each error the API gives, as (name, answer function of the language)."""
    return {
        "no key": lambda lang: send(None, "post", LOOKUP, '{"email": "a@example.vn"}', lang=lang),
        "not a string": lambda lang: send(key, "post", LOOKUP, '{"email": 5}', lang=lang),
        "not an object": lambda lang: send(key, "post", LOOKUP, "[1]", lang=lang),
        "parse error": lambda lang: send(key, "post", LOOKUP, "{", lang=lang),
        "media type": lambda lang: send(key, "post", LOOKUP, "x=1", "text/plain", lang=lang),
        "not acceptable": lambda lang: send(
            key, "post", LOOKUP, "{}", lang=lang, HTTP_ACCEPT="text/html"
        ),
        "method": lambda lang: send(key, "get", LOOKUP, lang=lang),
        "unknown path": lambda lang: send(key, "get", "/api/v1/nothing-here/", lang=lang),
        "unknown channel": lambda lang: send(key, "get", "/api/v1/suppressions/fax/", lang=lang),
        "bad limit": lambda lang: send(
            key, "get", "/api/v1/suppressions/email/?limit=x", lang=lang
        ),
        "choice": lambda lang: send(key, "post", RECORD, '{"email": "a@example.vn"}', lang=lang),
    }


def test_every_error_is_a_problem_in_vietnamese_by_default_and_english_on_request(key):
    for name, answer_in in error_answers(key).items():
        vi, en = answer_in(None), answer_in("en")
        assert vi.status_code == en.status_code >= 400, name
        assert vi["Content-Type"] == en["Content-Type"] == PROBLEM, name
        assert (vi["Content-Language"], en["Content-Language"]) == ("vi", "en"), name
        assert vi.json()["title"] != en.json()["title"], name
        assert vi.json()["detail"] != en.json()["detail"], (name, vi.json()["detail"])


def test_an_unexpected_error_is_a_500_problem_with_no_details(key, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("api.views.consent_lookup_logged", broken)
    answer = send(key, "post", LOOKUP, '{"email": "a@example.vn"}')
    body = assert_problem(answer, 500)
    assert "secret" not in answer.content.decode()
    assert body["type"].endswith(":server-error")


def test_a_database_outage_is_a_503_problem_with_retry_after(key, monkeypatch):
    """As the site's own pages say (privacysite.errors): not accepted, send it again."""
    from django.db import OperationalError

    def down(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("api.views.consent_lookup_logged", down)
    answer = send(key, "post", LOOKUP, '{"email": "a@example.vn"}', lang="en")
    body = assert_problem(answer, 503)
    assert body["type"].endswith(":unavailable") and answer["Retry-After"] == "30"
    assert "connect" not in answer.content.decode()


def test_a_host_outside_allowed_hosts_is_a_400_problem_on_the_api_only(key, client):
    answer = send(key, "post", LOOKUP, '{"email": "a@example.vn"}', HTTP_HOST="evil.example")
    assert_problem(answer, 400)
    page = client.get("/", HTTP_HOST="evil.example")
    assert page.status_code == 400 and "problem" not in page["Content-Type"]


def drf_messages():
    """The messages DRF itself may put in an answer of ours: its exceptions' and the error
    messages of every field of our request serializers."""
    messages = {
        cls.default_detail
        for cls in vars(exceptions).values()
        if isinstance(cls, type) and issubclass(cls, exceptions.APIException)
    }
    for serializer in (AddressSerializer(), ConsentRecordInSerializer(), SuppressionQuery()):
        messages |= set(serializer.error_messages.values())
        for field in serializer.fields.values():
            messages |= set(field.error_messages.values())
    return messages


def test_every_drf_message_we_can_answer_has_a_vietnamese_translation():
    untranslated = []
    for message in drf_messages():
        with translation.override("en"):
            english = str(message)
        with translation.override("vi"):
            if str(message) == english:
                untranslated.append(english)
    assert sorted(untranslated) == []
