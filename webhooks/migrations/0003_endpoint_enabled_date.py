"""``Endpoint.enabled_date``: when an endpoint was created or last re-enabled; it receives the
events written from then on. Existing endpoints start from their creation, as before."""

from django.db import migrations, models
from django.db.models import F


def from_created_date(apps, schema_editor):
    Endpoint = apps.get_model("webhooks", "Endpoint")
    Endpoint.objects.update(enabled_date=F("created_date"))


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0002_outbox_notify"),
    ]

    operations = [
        migrations.AddField(
            model_name="endpoint",
            name="enabled_date",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(from_created_date, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="endpoint",
            name="enabled_date",
            field=models.DateTimeField(editable=False),
        ),
    ]
