"""Trigram indexes for finding members by part of their email or username, on PostgreSQL.

The admin's member search and the orders list's buyer search ask ``email ILIKE '%frag%'``
(Django writes ``UPPER(email::text) LIKE UPPER('%frag%')``); a B-tree cannot answer that, so
without these PostgreSQL reads every member. GIN indexes over the same ``UPPER(...::text)``
expression with ``gin_trgm_ops`` (the ``pg_trgm`` extension) can. SQLite has no such index;
there the search scans, and gives the same answers.

The members table belongs to ``accounts``, which must not know about searches ``orders``
runs, so the indexes are created here, in SQL that runs only on PostgreSQL.
"""

from django.db import migrations

INDEXES = {
    "member_email_trgm": "UPPER(email::text) gin_trgm_ops",
    "member_username_trgm": "UPPER(username::text) gin_trgm_ops",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("accounts", "User")._meta.db_table)
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression})")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("orders", "0004_orderevent_event_created_idx"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
