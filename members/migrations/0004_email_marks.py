"""The email job's marker on the outbox: a row for each order event it has not read yet, written
by a trigger in the transaction that writes the event, in place of a time cursor (which passed
over an event whose transaction committed later than events written after it).

The events the old cursor had not reached yet are marked; history before it was read. On
PostgreSQL a statement trigger marks all the rows an insert (or ``COPY``) writes at once.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q

POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION members_email_mark() RETURNS trigger AS $$
BEGIN
    INSERT INTO members_emailmark (event_id) SELECT id FROM new_events;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER members_email_mark AFTER INSERT ON orders_orderevent
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION members_email_mark();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS members_email_mark ON orders_orderevent;
DROP FUNCTION IF EXISTS members_email_mark();
"""
SQLITE_CREATE = """
CREATE TRIGGER members_email_mark AFTER INSERT ON orders_orderevent
BEGIN
    INSERT INTO members_emailmark (event_id) VALUES (NEW.id);
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS members_email_mark;"
# vendor -> (create, drop)
TRIGGER = {"postgresql": (POSTGRES_CREATE, POSTGRES_DROP), "sqlite": (SQLITE_CREATE, SQLITE_DROP)}


def create_trigger(apps, schema_editor):
    schema_editor.execute(TRIGGER[schema_editor.connection.vendor][0])


def drop_trigger(apps, schema_editor):
    schema_editor.execute(TRIGGER[schema_editor.connection.vendor][1])


def mark_events_after_the_cursor(apps, schema_editor):
    EmailCursor = apps.get_model("members", "EmailCursor")
    EmailMark = apps.get_model("members", "EmailMark")
    OrderEvent = apps.get_model("orders", "OrderEvent")
    cursor = EmailCursor.objects.filter(pk=1, read_until__isnull=False).first()
    if cursor is None:
        return  # the job never read: nothing before now is news
    after = Q(created_date__gt=cursor.read_until) | Q(
        created_date=cursor.read_until, id__gt=cursor.read_id
    )
    ids = OrderEvent.objects.filter(after).order_by("created_date", "id").values_list("id", flat=True)
    EmailMark.objects.bulk_create([EmailMark(event_id=i) for i in ids], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0003_sent_email_per_dunning_try'),
        ('orders', '0012_credit_notes'),
    ]

    operations = [
        migrations.CreateModel(
            name='EmailMark',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orders.orderevent')),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.RunPython(mark_events_after_the_cursor, migrations.RunPython.noop),
        migrations.RunPython(create_trigger, drop_trigger),
        migrations.RemoveField(
            model_name='emailcursor',
            name='read_id',
        ),
        migrations.RemoveField(
            model_name='emailcursor',
            name='read_until',
        ),
    ]
