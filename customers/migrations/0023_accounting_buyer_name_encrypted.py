"""The buyer's name on an accounting document, encrypted at rest like the tax code and address
beside it (it may be a person's name, kept for years after the customer's erasure)."""

from django.db import migrations

import customers.core.fields


def _convert(schema_editor, transform):
    from customers.core import crypto

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, buyer_name FROM customers_accountingdocument WHERE buyer_name <> ''"
        )
        rows = cursor.fetchall()
        for pk, value in rows:
            cursor.execute(
                "UPDATE customers_accountingdocument SET buyer_name = %s WHERE id = %s",
                [transform(crypto, value), pk],
            )


def encrypt_existing(apps, schema_editor):
    _convert(schema_editor, lambda crypto, value: crypto.encrypt(value))


def decrypt_existing(apps, schema_editor):
    _convert(schema_editor, lambda crypto, value: crypto.decrypt(value))


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0022_my_data_sessions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="accountingdocument",
            name="buyer_name",
            field=customers.core.fields.EncryptedTextField(verbose_name="buyer name"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
