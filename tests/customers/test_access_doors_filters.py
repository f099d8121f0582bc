"""Filters and search reach only what the role sees in clear (issue 31, finding 4):
accounting sees a business by its name and tax code, not the person behind it, so it cannot
find that person by a filter in the address or by the search box; the log names the filters
used (never their values)."""

import pytest
from django.urls import reverse

from customers.core.roles import Role
from customers.models import AccessLogEntry, Customer
from demo.factories import CustomerFactory

pytestmark = pytest.mark.django_db

LIST = reverse("admin:customers_customer_changelist")


@pytest.fixture
def customers(seeded):
    business = CustomerFactory(
        kind=Customer.Kind.BUSINESS,
        business_name="Công ty TNHH Thương mại Hoà Bình",
        full_name="Phan Thị Mai",
        contact_person="Phan Thị Mai",
        tax_code="0101234567",
    )
    person = CustomerFactory(kind=Customer.Kind.INDIVIDUAL, full_name="Phan Văn Tùng")
    return business, person


def listed(response):
    return {c.pk for c in response.context["cl"].result_list}


@pytest.mark.parametrize(
    "query",
    [
        "contact_person=Phan+Thị+Mai",
        "contact_person__startswith=Phan",
        "full_name__startswith=Phan",
        "full_name__icontains=Mai",
    ],
)
def test_accounting_cannot_filter_on_a_field_it_sees_masked(staff_client, customers, query):
    accounting = staff_client(Role.ACCOUNTING)
    assert accounting.get(f"{LIST}?{query}").status_code == 400


def test_accounting_search_finds_a_business_by_its_name_not_by_the_person_behind_it(
    staff_client, customers
):
    business, person = customers
    accounting = staff_client(Role.ACCOUNTING)
    # (Not "Mai" alone: the search folds diacritics, and the business's own name holds "mại".)
    assert listed(accounting.get(LIST, {"q": "Phan Thị Mai"})) == set()
    assert listed(accounting.get(LIST, {"q": "Phan"})) == {person.pk}
    assert listed(accounting.get(LIST, {"q": "Hoà Bình"})) == {business.pk}
    # Sales sees every name: the same search finds the person behind the business too.
    sales = staff_client(Role.SALES)
    assert listed(sales.get(LIST, {"q": "Phan"})) == {business.pk, person.pk}


def test_the_log_names_the_filters_used_never_their_values(staff_client, customers):
    sales = staff_client(Role.SALES)
    before = AccessLogEntry.objects.count()
    assert sales.get(LIST, {"kind__exact": "business", "q": "Hoà Bình"}).status_code == 200
    entry = AccessLogEntry.objects.order_by("pk")[before:].get()
    assert entry.action == "search"
    assert entry.reason == "filters: kind__exact; search"
    assert "Hoà Bình" not in entry.reason
