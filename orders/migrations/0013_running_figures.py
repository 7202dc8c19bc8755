"""The running figures the dashboard reads (orders/models/running.py), kept by triggers.

Triggers rather than service code: they see every write to an order, whatever makes it (the
services, the clock's batched UPDATE, a COPY, SQL by hand), and a renewal, which changes none
of the counted columns, does not fire them (the UPDATE trigger's WHEN clause). On PostgreSQL
one function serves insert and update, and a TRUNCATE of the orders empties the figures;
SQLite has a trigger for each. Orders are never deleted (nothing in Tally deletes one); a row
deleted by hand is what ``manage.py doctor`` reports. The figures start from the orders
already there, in the same transaction that creates the triggers (which locks the orders
table meanwhile). The running-orders index of 0007 goes: nothing reads it any more, and every
renewal wrote to it.
"""

from django.conf import settings
from django.db import migrations, models


RUNNING = "('ACTIVE', 'PAUSED')"
COLUMNS = "status, currency, duration_unit, duration_count, pricing_model, buyer_id, orders, total"
CHANGED = " OR ".join(
    f"OLD.{c} IS DISTINCT FROM NEW.{c}"
    for c in (
        "status",
        "currency",
        "duration_unit",
        "duration_count",
        "pricing_model",
        "buyer_id",
        "total",
    )
)


def _values(row: str, sign: str) -> str:
    return (
        f"{row}.status, {row}.currency, {row}.duration_unit, {row}.duration_count, "
        f"{row}.pricing_model, {row}.buyer_id, {sign}1, {sign}{row}.total"
    )


POSTGRESQL = [
    f"""
CREATE FUNCTION orders_running_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.status IN {RUNNING} THEN
            INSERT INTO orders_runningchange ({COLUMNS}) VALUES ({_values("OLD", "-")});
        END IF;
    END IF;
    IF NEW.status IN {RUNNING} THEN
        INSERT INTO orders_runningchange ({COLUMNS}) VALUES ({_values("NEW", "")});
    END IF;
    RETURN NULL;
END $$
""",
    """
CREATE FUNCTION orders_running_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- DELETE, not TRUNCATE: the TRUNCATE that fired this may list these tables too (a flush).
    DELETE FROM orders_runningchange;
    DELETE FROM orders_runningtotal;
    DELETE FROM orders_runningmember;
    RETURN NULL;
END $$
""",
    f"""CREATE TRIGGER orders_running_insert AFTER INSERT ON orders_order FOR EACH ROW
    WHEN (NEW.status IN {RUNNING}) EXECUTE FUNCTION orders_running_log()""",
    f"""CREATE TRIGGER orders_running_update AFTER UPDATE ON orders_order FOR EACH ROW
    WHEN ((OLD.status IN {RUNNING} OR NEW.status IN {RUNNING}) AND ({CHANGED}))
    EXECUTE FUNCTION orders_running_log()""",
    """CREATE TRIGGER orders_running_truncate AFTER TRUNCATE ON orders_order
    FOR EACH STATEMENT EXECUTE FUNCTION orders_running_clear()""",
    "DROP INDEX IF EXISTS order_running_idx",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS orders_running_insert ON orders_order",
    "DROP TRIGGER IF EXISTS orders_running_update ON orders_order",
    "DROP TRIGGER IF EXISTS orders_running_truncate ON orders_order",
    "DROP FUNCTION IF EXISTS orders_running_log()",
    "DROP FUNCTION IF EXISTS orders_running_clear()",
]

SQLITE = [
    f"""CREATE TRIGGER orders_running_insert AFTER INSERT ON orders_order
    WHEN NEW.status IN {RUNNING} BEGIN
        INSERT INTO orders_runningchange ({COLUMNS}) VALUES ({_values("NEW", "")});
    END""",
    f"""CREATE TRIGGER orders_running_update AFTER UPDATE ON orders_order
    WHEN (OLD.status IN {RUNNING} OR NEW.status IN {RUNNING}) AND ({CHANGED.replace("IS DISTINCT FROM", "IS NOT")})
    BEGIN
        INSERT INTO orders_runningchange ({COLUMNS})
            SELECT {_values("OLD", "-")} WHERE OLD.status IN {RUNNING};
        INSERT INTO orders_runningchange ({COLUMNS})
            SELECT {_values("NEW", "")} WHERE NEW.status IN {RUNNING};
    END""",
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS orders_running_{op}" for op in ("insert", "update")
]

KEY = "status, currency, duration_unit, duration_count, pricing_model"
BACKFILL = [
    f"""INSERT INTO orders_runningtotal ({KEY}, orders, total)
    SELECT {KEY}, COUNT(*), SUM(total) FROM orders_order WHERE status IN {RUNNING}
    GROUP BY {KEY}""",
    f"""INSERT INTO orders_runningmember (buyer_id, orders)
    SELECT buyer_id, COUNT(*) FROM orders_order WHERE status IN {RUNNING} GROUP BY buyer_id""",
]


def create_triggers(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in (POSTGRESQL if postgres else SQLITE) + BACKFILL:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRESQL_REVERSE if postgres else SQLITE_REVERSE:
        schema_editor.execute(statement)
    for table in ("orders_runningchange", "orders_runningtotal", "orders_runningmember"):
        schema_editor.execute(f"DELETE FROM {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0012_credit_notes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RunningChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("status", models.CharField(max_length=10)),
                ("currency", models.CharField(max_length=3)),
                ("duration_unit", models.CharField(max_length=8)),
                ("duration_count", models.PositiveSmallIntegerField()),
                ("pricing_model", models.CharField(max_length=32)),
                ("buyer_id", models.BigIntegerField()),
                ("orders", models.IntegerField()),
                ("total", models.DecimalField(decimal_places=3, max_digits=20)),
            ],
        ),
        migrations.CreateModel(
            name="RunningMember",
            fields=[
                ("buyer_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("orders", models.IntegerField()),
            ],
        ),
        migrations.CreateModel(
            name="RunningTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("status", models.CharField(max_length=10)),
                ("currency", models.CharField(max_length=3)),
                ("duration_unit", models.CharField(max_length=8)),
                ("duration_count", models.PositiveSmallIntegerField()),
                ("pricing_model", models.CharField(max_length=32)),
                ("orders", models.BigIntegerField()),
                ("total", models.DecimalField(decimal_places=3, max_digits=20)),
            ],
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                condition=models.Q(
                    ("pricing_model", "SUBSCRIPTION"),
                    ("status__in", ["ACTIVE", "PAUSED"]),
                    models.Q(
                        ("current_cycle_index__isnull", True),
                        ("current_cycle_index__lt", 1),
                        _connector="OR",
                    ),
                ),
                fields=["currency", "duration_unit", "duration_count", "total"],
                name="order_running_trial_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="runningtotal",
            constraint=models.UniqueConstraint(
                fields=("status", "currency", "duration_unit", "duration_count", "pricing_model"),
                name="running_total_unique",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
