"""The published schema describes every answer the API gives, so that a client generated
from it handles errors too (issue 31, "The API as other systems' developers meet it")."""

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
ERRORS = {"400", "401", "403", "405", "406", "413", "415", "429", "500", "503"}


@pytest.fixture
def schema(client, seeded):
    answer = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert answer.status_code == 200
    return answer.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_the_schema_is_valid_openapi_3_1(schema):
    assert schema["openapi"].startswith("3.1")
    validate(schema)


def test_every_operation_declares_its_errors_as_problems_with_their_headers(schema):
    assert set(schema["components"]["schemas"]["Problem"]["required"]) >= {
        "type",
        "title",
        "status",
    }
    for name, operation in operations(schema):
        responses = operation["responses"]
        assert set(responses) >= ERRORS, name
        for code, response in responses.items():
            assert response.get("description"), (name, code)
            assert "Content-Language" in response.get("headers", {}), (name, code)
            if int(code) >= 400:
                assert list(response["content"]) == [PROBLEM], (name, code)
                ref = response["content"][PROBLEM]["schema"]["$ref"]
                assert ref == "#/components/schemas/Problem", (name, code)
        assert "Retry-After" in responses["429"]["headers"], name
        assert "Retry-After" in responses["503"]["headers"], name
        assert "WWW-Authenticate" in responses["401"]["headers"], name


def test_every_operation_names_the_scope_it_needs(schema):
    scopes = {
        "POST /api/v1/consents/lookup/": "consent:read",
        "POST /api/v1/consents/": "consent:write",
        "GET /api/v1/suppressions/{channel}/": "suppression:read",
    }
    found = dict(operations(schema))
    assert set(found) == set(scopes)
    for name, scope in scopes.items():
        assert found[name]["security"] == [{"bearerKey": [scope]}], name
        assert scope in found[name]["description"], name


def test_the_lookup_is_a_read_with_exactly_one_address(schema):
    lookup = schema["paths"]["/api/v1/consents/lookup/"]["post"]
    assert lookup["operationId"] == "consents_lookup"
    assert lookup["requestBody"]["required"] is True
    ref = lookup["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert body["oneOf"] == [{"required": ["email"]}, {"required": ["phone"]}]


def test_consent_writes_declare_their_one_answer_and_the_purposes(schema):
    record = schema["paths"]["/api/v1/consents/"]["post"]
    assert record["requestBody"]["required"] is True
    assert {"202", "409", "422", "503"} <= set(record["responses"])
    assert "200" not in record["responses"] and "201" not in record["responses"]
    accepted = record["responses"]["202"]["content"]["application/json"]["schema"]["$ref"]
    assert accepted.endswith("/ConsentWriteAccepted")
    assert record["operationId"] == "consents_record"
    ref = record["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    purpose = body["properties"]["purpose"]
    assert "marketing_phone" in purpose["enum"] and "service" not in purpose["enum"]
    assert body["oneOf"] == [{"required": ["email"]}, {"required": ["phone"]}]


def test_the_webhooks_and_their_payloads_are_described(schema):
    assert set(schema["webhooks"]) == {"consent.changed", "customer.erased"}
    for name, item in schema["webhooks"].items():
        operation = item["post"]
        assert "webhook-signature" in operation["description"], name
        assert operation["requestBody"]["content"]["application/json"]["schema"], name
