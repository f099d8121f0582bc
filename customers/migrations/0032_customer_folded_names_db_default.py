"""The folded-name columns of 0029 get a database default: a process of the previous release
still inserting customers while ``migrate`` runs (docs/operations.md, "Each release") leaves
them empty instead of failing; ``reindex_customers`` fills them afterwards."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("customers", "0031_merge_session_branches")]

    operations = [
        migrations.AlterField(
            model_name="customer",
            name=f"{name}_folded",
            field=models.TextField(blank=True, db_default="", default="", editable=False),
        )
        for name in ("business_name", "contact_person", "full_name")
    ]
