"""Prepared statements on PostgreSQL (config/settings.py)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


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
