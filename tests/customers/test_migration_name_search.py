"""Migration 0029: the customers already stored get their folded names, so that the name
search finds them from the first request after the upgrade."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("customers", "0028_company_profile")]
AFTER = [("customers", "0029_customer_name_search")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_existing_customers_get_their_folded_names():
    from demo.factories import CustomerFactory

    business = CustomerFactory(
        business=True,
        business_name="Công ty TNHH Thương mại Hoà Bình",
        full_name="Phan Thị Mai",
        contact_person="Phan Thị Mai",
    )
    person = CustomerFactory(full_name="Nguyễn Thị Thủy")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        migrate(BEFORE)  # the columns are gone: the rows are as an older install holds them
        migrate(AFTER)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, full_name_folded, business_name_folded, contact_person_folded "
                "FROM customers_customer ORDER BY id"
            )
            rows = cursor.fetchall()
        assert rows == [
            (business.pk, "phan thi mai", "cong ty tnhh thuong mai hoa binh", "phan thi mai"),
            (person.pk, "nguyen thi thuy", "", ""),
        ]
    finally:
        migrate(latest)
