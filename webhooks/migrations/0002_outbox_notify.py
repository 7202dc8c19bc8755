"""Wake the relay when an order event or a delivery commits (PostgreSQL), and start the outbox
cursor at "now".

``orders`` writes events with bulk inserts (``COPY`` on PostgreSQL), which send no Django
signals, and must not know that webhooks exist; a statement trigger sees every insert, and
PostgreSQL delivers a ``NOTIFY`` only when the transaction commits (never for a rollback).

Events written before this app existed had no endpoint to go to: they are marked relayed so
the first worker does not walk the whole history.
"""

from django.db import migrations

CHANNEL = "tally_webhooks"

CREATE = f"""
CREATE OR REPLACE FUNCTION tally_webhooks_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', '');
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER tally_webhooks_event_notify AFTER INSERT ON orders_orderevent
    FOR EACH STATEMENT EXECUTE FUNCTION tally_webhooks_notify();
CREATE TRIGGER tally_webhooks_delivery_notify AFTER INSERT ON webhooks_delivery
    FOR EACH STATEMENT EXECUTE FUNCTION tally_webhooks_notify();
"""

DROP = """
DROP TRIGGER IF EXISTS tally_webhooks_delivery_notify ON webhooks_delivery;
DROP TRIGGER IF EXISTS tally_webhooks_event_notify ON orders_orderevent;
DROP FUNCTION IF EXISTS tally_webhooks_notify();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


def mark_history_relayed(apps, schema_editor):
    from django.db.models import F

    OrderEvent = apps.get_model("orders", "OrderEvent")
    OrderEvent.objects.filter(relayed_date__isnull=True).update(relayed_date=F("created_date"))


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(mark_history_relayed, migrations.RunPython.noop),
    ]
