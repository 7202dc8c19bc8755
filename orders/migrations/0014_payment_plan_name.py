"""Payments carry their order's plan name, so revenue per plan reads the payments alone.

Existing payments get their order's plan name (as bought, which never changes), between
dropping the old date index and building the new one, so the update maintains no index.
"""

from django.db import migrations, models


POSTGRESQL = """
UPDATE orders_payment AS p SET plan_name = o.plan_name
FROM orders_order AS o WHERE o.id = p.order_id
"""
PORTABLE = """
UPDATE orders_payment SET plan_name =
    (SELECT o.plan_name FROM orders_order AS o WHERE o.id = orders_payment.order_id)
"""


def copy_plan_names(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    schema_editor.execute(POSTGRESQL if postgres else PORTABLE)


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0013_running_figures'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='payment',
            name='payment_created_idx',
        ),
        migrations.AddField(
            model_name='payment',
            name='plan_name',
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.RunPython(copy_plan_names, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='payment',
            index=models.Index(fields=['created_date', 'status', 'currency', 'plan_name', 'amount'], name='payment_revenue_idx'),
        ),
    ]
