"""Many rows as one statement parameter: a JSON array of arrays, read back as a table by the
database itself (``jsonb_array_elements`` on PostgreSQL, ``json_each`` on SQLite).

The relay writes hundreds of deliveries and attempts a round. ``bulk_create`` spent about
60 us of the worker's CPU a row (a model instance, then every field prepared and bound one
by one); a JSON array made by orjson costs about 1 us a row, and the statement stays one
short text whatever the batch.

Values go in as JSON can carry them: UUIDs as their 32 hex digits (both databases read that
form), numbers, strings, booleans, objects for JSON columns; a moment as ``moment()`` gives
it, the column's own storage form on this database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from django.db import connection
from django.db.models import DateTimeField, Model

# PostgreSQL casts the text of each element to the column type; SQLite stores it as it comes.
PG_CASTS = {
    "uuid": "(r->>{i})::uuid",
    "int": "(r->>{i})::integer",
    "text": "(r->>{i})",
    "bool": "(r->>{i})::boolean",
    "timestamptz": "(r->>{i})::timestamptz",
    "jsonb": "nullif(r->{i}, 'null'::jsonb)",  # a JSON null is SQL NULL, as the ORM writes it
}


def json_table(columns: Sequence[tuple[str, str]], alias: str = "rows") -> str:
    """SQL of a derived table named ``alias`` with ``columns`` (name, type from ``PG_CASTS``),
    read from one ``%s`` parameter holding ``json_rows(...)``."""
    if connection.vendor == "postgresql":
        fields = ", ".join(
            f"{PG_CASTS[kind].format(i=i)} AS {name}" for i, (name, kind) in enumerate(columns)
        )
        return f"(SELECT {fields} FROM jsonb_array_elements(%s::jsonb) AS r) AS {alias}"
    fields = ", ".join(
        f"json_extract(r.value, '$[{i}]') AS {name}" for i, (name, _) in enumerate(columns)
    )
    return f"(SELECT {fields} FROM json_each(%s) AS r) AS {alias}"


def json_rows(rows: Sequence[Sequence[Any]]) -> str:
    return orjson.dumps(rows).decode()


_DATETIME: DateTimeField = DateTimeField()


def moment(value: datetime | None) -> Any:
    """An aware datetime in the form this database stores (ISO 8601 for PostgreSQL's cast;
    Django's own text form on SQLite, which compares moments as strings)."""
    if value is None or connection.vendor == "postgresql":
        return value
    return _DATETIME.get_db_prep_value(value, connection)


def table_of(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def run(sql: str, params: Sequence[Any]) -> int:
    """Execute one statement; how many rows it changed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def fetch(sql: str, params: Sequence[Any]) -> list[tuple]:
    """Execute one statement; every row it returns."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
