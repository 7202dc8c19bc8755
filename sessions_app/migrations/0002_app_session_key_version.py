"""Each app's row names the key version that encrypts for it (the newest not retiring)."""

from django.db import migrations
from django.db.models import Max


def name_current_versions(apps, schema_editor):
    App = apps.get_model("accounts", "App")
    SessionKeyVersion = apps.get_model("sessions_app", "SessionKeyVersion")
    current = (
        SessionKeyVersion.objects.filter(retires_at__isnull=True)
        .order_by()
        .values("app_id")
        .annotate(version=Max("version"))
    )
    for row in current:
        App.objects.filter(pk=row["app_id"]).update(session_key_version=row["version"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_app_session_key_version"),
        ("sessions_app", "0001_initial"),
    ]

    operations = [migrations.RunPython(name_current_versions, migrations.RunPython.noop)]
