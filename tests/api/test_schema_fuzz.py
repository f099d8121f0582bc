"""Schemathesis against the published schema, bounded: no server error, and every answer
(errors included) as the schema declares it: status code, content type, headers, body."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from demo.factories import CustomerFactory
from tests.api.conftest import grant

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 15  # per operation and mode: enough to reach every answer, a few seconds in all


def test_the_api_answers_as_its_schema_says(make_client, purposes):
    customer = CustomerFactory(email="lan@example.vn", phone_mobile="0912345678")
    grant(customer, purposes["marketing_email"])
    key = make_client(rate=100_000).key
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 3
    for operation in operations:
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def answers_as_declared(case):
                for headers in ({"Authorization": f"Bearer {key}"}, {}):
                    case.call_and_validate(headers=headers, checks=CHECKS)

            answers_as_declared()
    # The one answer random wording never reaches: an accepted consent write.
    [record] = [op for op in operations if op.label == "POST /api/v1/consents/"]
    body = {
        "email": "lan@example.vn",
        "purpose": "marketing_phone",
        "granted": True,
        "wording": purposes["marketing_phone"].description_vi,
        "language": "vi",
        "channel": "phone",
    }
    for address in ({"email": "lan@example.vn"}, {"email": "stranger@example.vn"}):
        answer = record.Case(body={**body, **address}).call_and_validate(
            headers={"Authorization": f"Bearer {key}"}, checks=CHECKS
        )
        assert answer.status_code == 202
