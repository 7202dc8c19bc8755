"""Reading timestamps from PostgreSQL through the compiled loader (config/db.py).

The loader changes speed only: every value must come back exactly as Django's own loader
gives it, an aware datetime in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader
from hypothesis import given, settings
from hypothesis import strategies as st

from config.db import UtcTimestamptzLoader

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TEXT = [
    "2026-01-01 10:00:00.123+05",
    "1999-12-31 23:59:59.999999-11:30",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
    "2024-02-29 12:00:00+14",
]


def read(values: list[str], *, django_loader: bool = False) -> list[datetime]:
    with connection.cursor() as cursor:
        if django_loader:
            register_tzloader(connection.timezone, cursor.cursor)
        sql = "SELECT " + ", ".join(["%s::timestamptz"] * len(values))
        cursor.execute(sql, values)
        return list(cursor.fetchone())


def test_new_connections_load_timestamps_with_the_compiled_loader():
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(1184, 0)  # timestamptz, text format
    assert loader is UtcTimestamptzLoader


def test_timestamps_read_equal_what_djangos_own_loader_reads():
    ours = read(TEXT)
    theirs = read(TEXT, django_loader=True)
    assert ours == theirs
    assert all(value.tzinfo is UTC for value in ours)
    assert ours[0] == datetime(2026, 1, 1, 5, 0, 0, 123000, tzinfo=UTC)


@settings(max_examples=50, deadline=None)
@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)))
def test_any_stored_moment_reads_back_unchanged_in_utc(moment):
    aware = moment.replace(tzinfo=UTC)
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [aware])
        (value,) = cursor.fetchone()
    assert value == aware and value.tzinfo is UTC


def test_a_statement_is_prepared_after_five_runs_on_a_connection():
    sql = "SELECT COUNT(*) FROM accounts_app WHERE name = %s"

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%accounts_app WHERE name%"],
            )
            return cursor.fetchone()[0]

    with connection.cursor() as cursor:
        for _ in range(5):
            cursor.execute(sql, ["x"])
    assert prepared() == 0
    with connection.cursor() as cursor:
        cursor.execute(sql, ["x"])
    assert prepared() == 1
