"""One settings row per kind of member email, all on: the owner only ticks boxes off."""

from django.db import migrations

KINDS = (
    "order_confirmation",
    "renewal_reminder",
    "trial_ending",
    "payment_failed",
    "cancellation_scheduled",
    "cancellation_undone",
    "order_ended",
)


def add_rows(apps, schema_editor):
    EmailSetting = apps.get_model("members", "EmailSetting")
    for kind in KINDS:
        EmailSetting.objects.get_or_create(kind=kind, defaults={"enabled": True})


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [migrations.RunPython(add_rows, migrations.RunPython.noop)]
