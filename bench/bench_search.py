"""Issue 33: the admin's customer search by name at 1,000,000 customers, against the exact
search by email through the blind index measured in the same run.

    .venv/bin/python bench/bench_search.py            # builds the database once (~5 min)
    .venv/bin/python bench/bench_search.py --reuse    # measures again on it

Each request is the whole changelist page as staff get it (Django test client, DEBUG off,
production settings on PostgreSQL: scope, masking, ranking, the access-log entry). Rounds
alternate the order of the searches; each round reports the median of ``--repeat`` requests
per search, and the table gives, per search, the median over rounds and the spread of its
ratio to the email lookup. Needs PostgreSQL on 127.0.0.1:5432 (trust auth).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness  # noqa: E402

DATABASE = os.environ.get("BENCH_DATABASE", "privacysite_bench_search")
URL = "/admin/customers/customer/"
NAMES = ("full_name", "business_name", "contact_person")
# Rows that the searches below look for, among the generated ones.
PLANTED = [
    ("business", "Công ty TNHH Thương mại Hoà Bình", "Phan Thị Mai"),
    ("business", "Hoà Bình", "Lê Văn Hùng"),
    ("individual", "", "Quách Thị Tĩnh"),
]


def build(rows: int, batch: int = 20_000):
    """A fresh database: migrated, ``rows`` customers with Vietnamese names (a third of them
    businesses with a contact person), unique emails, the search columns as saves write them;
    the trigram indexes built after the load, as a restore or a bulk load would."""
    harness.recreate_database(DATABASE)
    harness.setup_django(DATABASE)
    harness.migrate()
    from django.db import connection
    from django.utils import timezone

    from customers.core import crypto
    from customers.core.folding import fold
    from customers.core.personal_data import normalise_email
    from demo.factories import company_name, person_name

    rng = random.Random(33)
    now = timezone.now()
    address = crypto.encrypt("12 Lê Lợi, Quận 1, TP. Hồ Chí Minh")
    blank = (
        "tax_code",
        "tax_code_index",
        "phone_mobile",
        "phone_mobile_index",
        "phone_home",
        "phone_home_index",
        "phone_office",
        "phone_office_index",
        "address_office",
        "notes",
        "email_suspension_reason",
    )

    def row(n):
        if n < len(PLANTED):
            kind, business, person = PLANTED[n]
        else:
            kind = "business" if n % 3 == 0 else "individual"
            business = company_name(rng) if kind == "business" else ""
            person = person_name(rng)
        names = {
            "full_name": person,
            "business_name": business,
            "contact_person": person if kind == "business" else "",
        }
        email = f"khach{n}@example.vn"
        return {
            **dict.fromkeys(blank, ""),
            "kind": kind,
            **names,
            **{f"{name}_folded": fold(value) for name, value in names.items()},
            "email": crypto.encrypt(email),
            "email_index": crypto.blind_index(normalise_email(email)),
            "address_home": address,
            "preferred_language": "vi",
            "preferred_channel": "email",
            "source": "web",
            "status": "active",
            "created_at": now,
            "updated_at": now,
            "last_activity_at": now,
            "no_publication": False,
        }

    columns = ", ".join(row(0))
    with connection.cursor() as cursor:
        for name in NAMES:
            cursor.execute(f"DROP INDEX customer_{name}_folded_trgm")
        for offset in range(0, rows, batch):
            with cursor.connection.cursor().copy(
                f"COPY customers_customer ({columns}) FROM STDIN"
            ) as copy:
                for n in range(offset, min(offset + batch, rows)):
                    copy.write_row(tuple(row(n).values()))
            print(f"  customers: {min(offset + batch, rows)}/{rows}", flush=True)
        for name in NAMES:
            cursor.execute(
                f"CREATE INDEX customer_{name}_folded_trgm ON customers_customer "
                f"USING gin ({name}_folded gin_trgm_ops)"
            )
        cursor.execute("ANALYZE")


SEARCHES = {
    # label: (term, what it finds)
    "email (baseline)": ("khach777777@example.vn", "one customer, blind index"),
    "Hòa Bình": ("Hòa Bình", "the two planted firms first, then scattered words"),
    "Hoa Binh": ("Hoa Binh", "the same, typed without diacritics"),
    "Quach Thi Tinh": ("Quach Thi Tinh", "one customer"),
    "Nguyen Thi": ("Nguyen Thi", "a common family and middle name"),
    "nguyen": ("nguyen", "the most common family name"),
}


def measure(rounds: int, repeat: int):
    harness.setup_django(DATABASE)
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    harness.login_verified(client, user)

    def get(term):
        response = client.get(URL, {"q": term})
        assert response.status_code == 200, response.status_code
        return response

    found = {
        label: matching(user, term).order_by()[:10_001].count()
        for label, (term, _) in SEARCHES.items()
    }

    labels = list(SEARCHES)
    per_round = {label: [] for label in labels}
    for n in range(rounds):
        order = labels if n % 2 == 0 else labels[::-1]
        for label in order:
            term = SEARCHES[label][0]
            samples = []
            get(term)  # warm
            for _ in range(repeat):
                start = time.perf_counter()
                get(term)
                samples.append(time.perf_counter() - start)
            per_round[label].append(statistics.median(samples) * 1000)
    return per_round, found


def matching(user, term):
    """The customers the changelist lists for ``term``, in its order."""
    from customers.core.search import name_search
    from customers.core.selectors import customers_matching, looks_like_identifier
    from customers.models import Customer

    customers = Customer.objects.all()
    if looks_like_identifier(term):
        return customers.filter(pk__in=customers_matching(term).values("pk"))
    found, rank = name_search(customers, user, term)
    return found.alias(search_rank=rank).order_by("search_rank", "-id")


def queries(rounds: int, repeat: int):
    """The same searches, the database's part only: the ranked first page and the capped
    count, as the changelist sends them."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="bench")
    labels = list(SEARCHES)
    per_round = {label: [] for label in labels}

    def run(term):
        found = matching(user, term)
        list(found[:50])
        found.order_by()[:10_001].count()

    for n in range(rounds):
        for label in labels if n % 2 == 0 else labels[::-1]:
            term = SEARCHES[label][0]
            run(term)
            samples = []
            for _ in range(repeat):
                start = time.perf_counter()
                run(term)
                samples.append(time.perf_counter() - start)
            per_round[label].append(statistics.median(samples) * 1000)
    return per_round


def plans():
    from django.contrib.auth import get_user_model

    from customers.core.search import name_search
    from customers.models import Customer

    user = get_user_model().objects.get(username="bench")
    out = {}
    for term in ("Hoa Binh", "nguyen"):
        found, rank = name_search(Customer.objects.all(), user, term)
        query = found.alias(search_rank=rank).order_by("search_rank", "-id")[:50]
        out[term] = query.explain(analyze=True)
    return out


def table(title, per_round, found, rows, rounds):
    base = per_round["email (baseline)"]
    print(f"\n## {title}, {rows:,} customers ({rounds} alternating rounds)\n")
    print(
        "| search | finds | rows found (capped at 10,001) | ms, median | ratio to email | spread |"
    )
    print("|---|---|---|---|---|---|")
    for label, times in per_round.items():
        ratios = [t / b for t, b in zip(times, base, strict=True)]
        print(
            f"| {label} | {SEARCHES[label][1]} | {found[label]:,} | "
            f"{statistics.median(times):.1f} | {statistics.median(ratios):.2f}× | "
            f"{min(ratios):.2f}–{max(ratios):.2f}× |"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if not args.reuse:
        build(args.rows)
    per_round, found = measure(args.rounds, args.repeat)
    print(f"load average before the run's end: {os.getloadavg()}, CPUs: {os.cpu_count()}")
    table("Customer search, the whole admin page", per_round, found, args.rows, args.rounds)
    database = queries(args.rounds, args.repeat)
    table("The same searches, the database's part", database, found, args.rows, args.rounds)
    for term, plan in plans().items():
        print(f"\nPlan of the ranked page query for {term!r}:\n\n```\n{plan}\n```")


if __name__ == "__main__":
    main()
