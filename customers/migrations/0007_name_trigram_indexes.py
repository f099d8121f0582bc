"""Trigram indexes for the admin's search by part of a name (PostgreSQL only).

Django's icontains on PostgreSQL is ``UPPER(col::text) LIKE UPPER('%term%')``: these GIN
indexes on the same expression let a million-row search use an index instead of a scan.
SQLite (the embedded default) has no such index type and searches small demo data fine.
"""

from django.db import migrations

COLUMNS = ["full_name", "business_name", "contact_person"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS customer_{column}_trgm ON customers_customer "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS customer_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_export_permission")]

    operations = [migrations.RunPython(forwards, backwards)]
