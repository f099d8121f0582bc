"""Issue 6 benchmark: building the full copy for a customer with 50 services, 200 accounting
documents, 1,000 ledger events and 1,000 access entries, against one with a single row of each.

    .venv/bin/python bench/bench_requests.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness  # noqa: E402

harness.setup_django("privacysite_bench")


def customer_with(services, documents, events, looks):
    from customers.audit.services import access_log
    from customers.consents.models import Purpose
    from customers.consents.services.ledger import consent_grant, consent_withdraw
    from demo.factories import AccountingDocumentFactory, CustomerFactory, ServiceFactory

    customer = CustomerFactory(business=True)
    ServiceFactory.create_batch(services, customer=customer)
    AccountingDocumentFactory.create_batch(documents, customer=customer)
    purpose = Purpose.objects.get(code="surveys")
    for i in range(events):
        (consent_grant if i % 2 == 0 else consent_withdraw)(
            customer=customer, purpose=purpose, channel="preferences"
        )
    from django.contrib.auth import get_user_model

    staff, _ = get_user_model().objects.get_or_create(username="bench-staff")
    for _ in range(looks):
        access_log(actor=staff, action="view", customers=[customer], fields=["email"])
    return customer


def main():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from customers.requests.data_copy import customer_copy

    results = {}
    for label, sizes in (("small", (1, 1, 1, 1)), ("large", (50, 200, 1000, 1000))):
        customer = customer_with(*sizes)
        with CaptureQueriesContext(connection) as queries:
            customer_copy(customer)
        seconds = harness.timed(lambda customer=customer: customer_copy(customer), repeat=5)[0]
        results[label] = (seconds * 1000, len(queries))
    print("\n## The customer's full copy (median of 5)\n")
    print("| customer | ms | queries |\n|---|---|---|")
    print(
        f"| 1 service, 1 document, 1 consent event, 1 access entry | {results['small'][0]:.0f} "
        f"| {results['small'][1]} |"
    )
    print(
        f"| 50 services, 200 documents, 1,000 consent events, 1,000 access entries | "
        f"{results['large'][0]:.0f} | {results['large'][1]} |"
    )


if __name__ == "__main__":
    main()
