"""Migration 0023: the buyer names already stored are encrypted in place (and decrypted again
if the migration is reversed); nothing is lost either way."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from customers.core import crypto

BEFORE = [("customers", "0022_my_data_sessions")]
AFTER = [("customers", "0023_accounting_buyer_name_encrypted")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def stored_name():
    with connection.cursor() as cursor:
        cursor.execute("SELECT buyer_name FROM customers_accountingdocument")
        return cursor.fetchone()[0]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_existing_buyer_names_are_encrypted_and_come_back_if_reversed():
    from demo.factories import CustomerFactory

    customer = CustomerFactory()
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        migrate(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO customers_accountingdocument (customer_id, kind, number, issued_on,"
                " fiscal_year, amount, retention_class, buyer_name, buyer_tax_code,"
                " buyer_address, created_at) VALUES (%s, 'invoice', 'HD-1', %s, 2026, 1000,"
                " 'acc_10y', %s, '', '', %s)",
                [customer.pk, datetime.date(2026, 3, 5), "Phạm Thị Mai", datetime.datetime.now()],
            )
        migrate(AFTER)
        assert stored_name() != "Phạm Thị Mai"
        assert crypto.decrypt(stored_name()) == "Phạm Thị Mai"
        migrate(BEFORE)
        assert stored_name() == "Phạm Thị Mai"
    finally:
        migrate(latest)
    from customers.models import AccountingDocument

    assert AccountingDocument.objects.get().buyer_name == "Phạm Thị Mai"
