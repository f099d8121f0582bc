"""Staff find a customer the way Vietnamese people type a name (issue 33): with or without
diacritics, the tone mark on either letter, exact matches first; by a phone in any usual
writing; scoped, masked and logged as before. Each example runs on SQLite here and on
PostgreSQL (with ``DATABASE_URL``; the ``postgres`` tests also check the index is used)."""

import datetime
import io
import unicodedata

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from customers.core.roles import Role
from customers.models import AccessLogEntry, Customer
from customers.records.services import customer_create, customer_update
from customers.retention.erasure import customer_erase
from demo.factories import CustomerFactory, ServiceFactory

pytestmark = pytest.mark.django_db

LIST = reverse("admin:customers_customer_changelist")


def listed(response):
    assert response.status_code == 200
    return [c.pk for c in response.context["cl"].result_list]


@pytest.fixture
def people(seeded):
    return {
        "hoa_binh": CustomerFactory(
            business=True,
            business_name="Công ty TNHH Thương mại Hoà Bình",
            full_name="Phan Thị Mai",
            contact_person="Phan Thị Mai",
        ),
        "nguyen_thi": CustomerFactory(full_name="Nguyễn Thị Thủy"),
        "nguyen_van": CustomerFactory(full_name="Nguyễn Văn Đạt"),
        "do": CustomerFactory(full_name="Đỗ Thị Quỳnh Anh"),
        "other": CustomerFactory(full_name="Lý Văn Bình"),
    }


EXAMPLES = [
    ("Hòa Bình", {"hoa_binh"}),
    ("Hoà Bình", {"hoa_binh"}),
    ("Hoa Binh", {"hoa_binh"}),
    ("hoa binh", {"hoa_binh"}),
    ("HÒA BÌNH", {"hoa_binh"}),
    ("nguyen", {"nguyen_thi", "nguyen_van"}),
    ("Nguyen Thi", {"nguyen_thi"}),
    ("nguyen thi", {"nguyen_thi"}),
    ("Nguyễn Thị", {"nguyen_thi"}),
    ("Thuỷ", {"nguyen_thi"}),
    ("thuy", {"nguyen_thi"}),
    ("Nguyen Thuy", {"nguyen_thi"}),  # the middle name left out
    ("dat", {"nguyen_van"}),
    ("đạt", {"nguyen_van"}),
    ("Do Thi Quynh", {"do"}),
    ("đỗ", {"do"}),
    (unicodedata.normalize("NFD", "Quỳnh Anh"), {"do"}),
]


def check_examples(client, people):
    for term, expected in EXAMPLES:
        found = set(listed(client.get(LIST, {"q": term})))
        assert found == {people[name].pk for name in expected}, term


def test_issue_examples_as_sales(staff_client, people):
    check_examples(staff_client(Role.SALES), people)


def test_issue_examples_on_postgresql(postgres, staff_client, people):
    check_examples(staff_client(Role.SALES), people)


def test_the_postgresql_search_uses_the_trigram_index(postgres, people):
    from customers.core.search import name_search_filter

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            plan = Customer.objects.filter(name_search_filter("nguyen thi")).order_by().explain()
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert "customer_full_name_folded_trgm" in plan, plan


def test_exact_matches_come_first(staff_client, seeded):
    # Created in the order the default list (newest first) would show last.
    exact = CustomerFactory(business=True, business_name="Hoà Bình", full_name="Phan Văn Tùng")
    phrase = CustomerFactory(
        business=True, business_name="Công ty TNHH Thương mại Hoà Bình", full_name="Phan Văn Tùng"
    )
    word_start = CustomerFactory(
        business=True, business_name="Công ty Hoà BìnhTech", full_name="Phan Văn Tùng"
    )
    inside = CustomerFactory(
        business=True, business_name="Công ty ThaiHoà Bình", full_name="Phan Văn Tùng"
    )
    scattered = CustomerFactory(full_name="Trần Bình Hoà")
    sales = staff_client(Role.SALES)
    for term in ("Hòa Bình", "hoa binh"):
        assert listed(sales.get(LIST, {"q": term})) == [
            exact.pk,
            phrase.pk,
            word_start.pk,
            inside.pk,
            scattered.pk,
        ], term


def test_with_diacritics_the_same_spelling_comes_before_another_tone(staff_client, seeded):
    same = CustomerFactory(full_name="Nguyễn Văn Hoà")
    other_tone = CustomerFactory(full_name="Nguyễn Văn Hóa")
    sales = staff_client(Role.SALES)
    assert listed(sales.get(LIST, {"q": "Nguyễn Văn Hòa"})) == [same.pk, other_tone.pk]
    assert listed(sales.get(LIST, {"q": "Nguyễn Văn Hóa"})) == [other_tone.pk, same.pk]


def test_a_column_the_user_sorts_by_wins_over_the_rank(staff_client, seeded):
    first = CustomerFactory(full_name="Hoà Bình")
    second = CustomerFactory(full_name="Công ty Hoà Bình")
    sales = staff_client(Role.SALES)
    # The exact match was active longest ago: sorted by last activity, newest first, it is last.
    first.last_activity_at -= datetime.timedelta(days=2)
    second.last_activity_at -= datetime.timedelta(days=1)
    Customer.objects.bulk_update([first, second], ["last_activity_at"])
    column = sales.get(LIST).context["cl"].list_display.index("last_activity_date")
    order = listed(sales.get(LIST, {"q": "hoa binh", "o": f"-{column}"}))
    assert order == [second.pk, first.pk]


@pytest.mark.parametrize(
    "typed",
    [
        "+84 912.345.678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "+84912345678",
        "84912345678",
        "(+84) 912 345 678",
    ],
)
def test_a_phone_typed_in_any_usual_way_finds_the_customer(staff_client, seeded, typed):
    target = CustomerFactory(phone_mobile="0912345678")
    CustomerFactory(phone_mobile="0912345679")
    assert listed(staff_client(Role.SALES).get(LIST, {"q": typed})) == [target.pk]


def test_exact_email_and_tax_code_still_go_through_the_blind_index(staff_client, seeded):
    target = CustomerFactory(business=True, email="mai.pham@saomai.vn", tax_code="0100109106")
    CustomerFactory.create_batch(2)
    sales = staff_client(Role.SALES)
    assert listed(sales.get(LIST, {"q": "Mai.Pham@SaoMai.vn"})) == [target.pk]
    assert listed(sales.get(LIST, {"q": "0100 109 106"})) == [target.pk]


def test_the_search_stays_scoped_masked_and_logged(staff_client, seeded):
    served = CustomerFactory(full_name="Nguyễn Thị Hoà")
    ServiceFactory(customer=served)
    CustomerFactory(full_name="Nguyễn Thị Hoà Bình")  # no active service
    support = staff_client(Role.TECH_SUPPORT)
    before = AccessLogEntry.objects.count()
    assert listed(support.get(LIST, {"q": "nguyen thi hoa"})) == [served.pk]
    entry = AccessLogEntry.objects.order_by("pk")[before:].get()
    assert entry.action == "search"
    assert entry.reason == "search"
    assert "nguyen" not in entry.reason.lower()


def test_accounting_cannot_find_the_person_behind_a_business_without_diacritics(
    staff_client, seeded
):
    business = CustomerFactory(
        business=True,
        business_name="Công ty TNHH Thương mại Hoà Bình",
        full_name="Phan Thị Mai",
        contact_person="Phan Thị Mai",
    )
    accounting = staff_client(Role.ACCOUNTING)
    assert listed(accounting.get(LIST, {"q": "phan thi mai"})) == []
    assert listed(accounting.get(LIST, {"q": "hoa binh"})) == [business.pk]


def test_the_search_columns_follow_the_name_and_erasure(staff_client, seeded, django_user_model):
    staff = staff_client(superuser=True, username="root")
    actor = django_user_model.objects.get(username="root")
    customer = customer_create(
        actor=actor,
        source=Customer.Source.PHONE,
        data={"full_name": "Trương Thị Thuý", "email": "thuy@example.vn"},
    )
    assert listed(staff.get(LIST, {"q": "truong thi thuy"})) == [customer.pk]
    customer_update(customer=customer, actor=actor, data={"full_name": "Trương Thị Loan"})
    assert listed(staff.get(LIST, {"q": "truong thi thuy"})) == []
    assert listed(staff.get(LIST, {"q": "truong thi loan"})) == [customer.pk]
    customer_erase(customer=customer, actor=actor, trigger="staff", reason="test")
    stored = Customer.objects.filter(pk=customer.pk).values(
        "full_name_folded", "business_name_folded", "contact_person_folded"
    )[0]
    assert set(stored.values()) == {""}


def stale(customer):
    """As a row written before the search columns existed (or by an older folding)."""
    Customer.objects.filter(pk=customer.pk).update(
        full_name_folded="", business_name_folded="x", contact_person_folded=""
    )


def test_the_index_key_change_writes_the_search_columns_again(staff_client, seeded, settings):
    customer = CustomerFactory(
        business=True, business_name="Công ty Hoà Bình", full_name="Phan Văn Tùng"
    )
    stale(customer)
    sales = staff_client(Role.SALES)
    assert listed(sales.get(LIST, {"q": "hoa binh"})) == []
    settings.BLIND_INDEX_KEY_NEXT = "a-new-blind-index-key-2026"
    call_command("rotate_blind_index_key", batch_size=2, stdout=io.StringIO())
    assert listed(sales.get(LIST, {"q": "hoa binh"})) == [customer.pk]


def test_after_restore_writes_the_search_columns_again(
    postgres, transactional_db, settings, tmp_path
):
    from customers.retention.journal_marks import journal_mark

    settings.ERASURE_JOURNAL = tmp_path / "journal" / "erasures.jsonl"
    settings.MEDIA_ROOT = tmp_path / "media"
    journal_mark()  # as setup_site does on a new install: the journal opened, and marked
    customer = CustomerFactory(full_name="Nguyễn Thị Thủy")
    stale(customer)
    call_command("after_restore", stdout=io.StringIO())
    stored = Customer.objects.get(pk=customer.pk)
    assert stored.full_name_folded == "nguyen thi thuy"
    assert stored.business_name_folded == ""


def test_reindex_customers_repairs_rows_written_without_their_folded_names(staff_client, seeded):
    """A process of the previous release, inserting during the deploy, leaves them empty."""
    customers = [CustomerFactory(full_name=f"Trần Thị Hoà {n}") for n in range(3)]
    for customer in customers[1:]:
        stale(customer)
    sales = staff_client(Role.SALES)
    assert listed(sales.get(LIST, {"q": "tran thi hoa"})) == [customers[0].pk]
    out = io.StringIO()
    call_command("reindex_customers", batch_size=2, stdout=out)
    assert "scanned 3, rewritten 2" in out.getvalue()
    assert set(listed(sales.get(LIST, {"q": "tran thi hoa"}))) == {c.pk for c in customers}


def test_customers_created_or_renamed_in_bulk_are_found_by_name(staff_client, seeded):
    """The import writes customers with ``bulk_create``, which calls no ``save()``."""
    from django.utils import timezone

    Customer.objects.bulk_create(
        [
            Customer(
                full_name="Nguyễn Thị Thủy",
                source=Customer.Source.IMPORT,
                last_activity_at=timezone.now(),
            )
        ]
    )
    renamed = CustomerFactory(full_name="Lê Văn Tám")
    renamed.full_name = "Lê Văn Hoà"
    Customer.objects.bulk_update([renamed], ["full_name"])
    sales = staff_client(Role.SALES)
    found = listed(sales.get(LIST, {"q": "nguyen thi thuy"}))
    assert found == [Customer.objects.get(full_name="Nguyễn Thị Thủy").pk]
    assert listed(sales.get(LIST, {"q": "le van hoa"})) == [renamed.pk]
