"""A narrow partial index over the running orders, for the dashboard's "now" on PostgreSQL.

The dashboard asks, on every visit, what runs now: how many orders and members, and the
recurring revenue (``orders.dashboard.facts.now_facts``). Running orders are most of the
table, so reading their rows means reading most of it; this index holds exactly the columns
those two queries read, for the running orders only, so PostgreSQL answers them with
index-only scans; keyed by buyer, the members count is a walk in buyer order with no hash
table. It is PostgreSQL's (``INCLUDE``), and created only there; SQLite answers the same
queries from the table.
"""

from django.db import migrations

NAME = "order_running_idx"
CREATE = f"""
CREATE INDEX IF NOT EXISTS {NAME} ON orders_order (buyer_id)
    INCLUDE (status, currency, duration_unit, duration_count, pricing_model, total,
             current_cycle_index)
    WHERE status IN ('ACTIVE', 'PAUSED')
"""


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("orders", "0006_dashboard_periods")]

    operations = [migrations.RunPython(create_index, drop_index)]
