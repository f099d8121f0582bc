from django.db import migrations, models


def sign_existing_head(apps, schema_editor):
    """The head as it stands is signed once, here; from now on the sealer and the pruner sign
    every change they make."""
    from customers.audit import chain

    AuditChainHead = apps.get_model("customers", "AuditChainHead")
    for head in AuditChainHead.objects.all():
        chain.sign(head)
        head.save(update_fields=["signature", "pruned_signature"])


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0020_request_once_per_form"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="pruned_before",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="signature",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="pruned_signature",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(sign_existing_head, migrations.RunPython.noop),
    ]
