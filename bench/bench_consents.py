"""Issue 4 benchmarks: cookie-consent POSTs under gunicorn vs a bare INSERT view, and
"customers who may receive marketing email now" over the 1,000,000-customer database.

    .venv/bin/python bench/bench_customers.py     # builds privacysite_bench first
    .venv/bin/python bench/bench_consents.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness  # noqa: E402

harness.setup_django("privacysite_bench")


def cookie_post(client, job):
    if job is None:
        return client.csrf("/cookies/")
    status, _ = client.request(
        "POST", "/cookies/", {"csrfmiddlewaretoken": job[2], "choice": "reject_all"}
    )
    return status == 302


def bare(client, job):
    if job is None:
        return None
    status, _ = client.request("POST", "/bench/bare-insert/", {})
    return status == 200


def main():
    from customers.consents.selectors import customer_ids_consenting
    from customers.models import Customer

    harness.migrate()
    total = Customer.objects.count()
    audience = customer_ids_consenting("marketing_email")
    seconds, _ = harness.timed(lambda: list(audience.all()), repeat=5)  # .all(): no cache
    count = len(list(audience.all()))
    print(f"\n## Marketing-email audience over {total:,} customers\n")
    print(
        f"{count:,} customers may receive marketing email now; listing their ids took "
        f"{seconds * 1000:.0f} ms (median of 5).\n"
    )
    print("```\n" + audience.explain() + "\n```")
    with harness.gunicorn(workers=2) as host:
        base = harness.load(host, bare, clients=8, seconds=15)
        ours = harness.load(host, cookie_post, clients=8, seconds=15)
    print("\n## Cookie-consent POSTs under gunicorn (2 workers, 8 clients, 15 s)\n")
    print("| endpoint | req/s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|")
    print(f"| bare view, one INSERT | {base[0]:.0f} | {base[1]:.1f} | {base[2]:.1f} | {base[3]} |")
    print(f"| POST /cookies/ | {ours[0]:.0f} | {ours[1]:.1f} | {ours[2]:.1f} | {ours[3]} |")
    print(f"\nratio /cookies/ ÷ bare: {ours[0] / base[0]:.2f}×")


if __name__ == "__main__":
    main()
