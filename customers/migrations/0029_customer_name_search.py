"""Search by name as people type it (issue 33): each name also stored folded (lowercase, no
diacritics, either tone placement: ``customers.core.folding``), filled here for the existing
customers, with a trigram index per column on PostgreSQL.

The folded columns replace the UPPER(name) trigram indexes of 0007 for the admin's search,
which no longer compares the names as stored. SQLite has no such index type and needs none
for the embedded install's data.
"""

from django.db import migrations, models

from customers.core.folding import fold

NAMES = ["full_name", "business_name", "contact_person"]
BATCH = 2000


def fill(apps, schema_editor):
    """Batches by id; one UPDATE per row, sent together (a ``bulk_update`` CASE of thousands of
    branches costs PostgreSQL time in the square of the batch)."""
    customer = apps.get_model("customers", "Customer")
    table = schema_editor.connection.ops.quote_name(customer._meta.db_table)
    update = (
        f"UPDATE {table} SET full_name_folded = %s, business_name_folded = %s, "  # noqa: S608  # nosec B608 (the model's table name)
        "contact_person_folded = %s WHERE id = %s"
    )
    last = 0
    while True:
        rows = list(
            customer.objects.filter(pk__gt=last).order_by("pk").values_list("pk", *NAMES)[:BATCH]
        )
        if not rows:
            break
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(
                update, [[fold(name or "") for name in names] + [pk] for pk, *names in rows]
            )
        last = rows[-1][0]


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name in NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS customer_{name}_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS customer_{name}_folded_trgm ON customers_customer "
            f"USING gin ({name}_folded gin_trgm_ops)"
        )


def trigram_indexes_back(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS customer_{name}_folded_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS customer_{name}_trgm ON customers_customer "
            f"USING gin ((UPPER({name}::text)) gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("customers", "0028_company_profile")]

    operations = [
        *(
            migrations.AddField(
                model_name="customer",
                name=f"{name}_folded",
                field=models.TextField(blank=True, default="", editable=False),
            )
            for name in NAMES
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(trigram_indexes, trigram_indexes_back),
    ]
