from django.db import migrations, models


def published_versions_in_effect(apps, schema_editor):
    """Versions published before this field existed took effect when they were published."""
    PolicyVersion = apps.get_model("consents", "PolicyVersion")
    PolicyVersion.objects.filter(status="published", effective_at__isnull=True).update(
        effective_at=models.F("published_at")
    )


class Migration(migrations.Migration):
    dependencies = [("consents", "0010_policy_facts")]

    operations = [
        migrations.AddField(
            model_name="policyversion",
            name="effective_at",
            field=models.DateTimeField(
                blank=True,
                null=True,
                verbose_name="takes effect at",
                help_text=(
                    "Empty: as early as allowed, at once for the first version and after the notice period "
                    "for a later one (its customers are told first). A later date may be chosen, never "
                    "an earlier one."
                ),
            ),
        ),
        migrations.RunPython(published_versions_in_effect, migrations.RunPython.noop),
    ]
