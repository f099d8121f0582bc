"""A BRIN index on the access log's time (PostgreSQL only).

Entries arrive in time order, so a block-range index answers "entries in this period" for
the data-protection role's date filter while costing writers almost nothing. SQLite (the
embedded default) keeps small logs and does without.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS accesslog_at_brin ON customers_accesslogentry "
            "USING brin (at)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS accesslog_at_brin")


class Migration(migrations.Migration):
    dependencies = [("customers", "0011_access_log_cheaper_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
