"""Prepared statements on PostgreSQL are opt-in (``TALLY_DB_PREPARED_STATEMENTS=1``), off by
default as in Django: a pooler in transaction mode keeps working, and a statement may carry any
number of parameters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def prepared_statements(fragment: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"%{fragment}%"],
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db
def test_no_statement_is_prepared_by_default():
    with connection.cursor() as cursor:
        for _ in range(10):
            cursor.execute("SELECT COUNT(*) FROM accounts_app WHERE name = %s", ["x"])
    assert prepared_statements("accounts_app WHERE name") == 0


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_statement_may_carry_more_than_65535_parameters_by_default():
    from accounts.models import App

    assert App.objects.filter(name__in=[f"app {i}" for i in range(70_000)]).count() == 0


def database_options(**env: str) -> dict:
    """The database OPTIONS the settings build from this environment (in a fresh process)."""
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    inherited = {k: v for k, v in os.environ.items() if k != "TALLY_DB_PREPARED_STATEMENTS"}
    environment = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "TALLY_SECRET_KEY": "options-test-key",
        "DATABASE_URL": "postgres://tally@127.0.0.1:5432/tally",
        **env,
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, check=True
    )
    return json.loads(out.stdout)


def test_prepared_statements_are_on_only_when_asked_for():
    assert database_options() == {}
    assert database_options(TALLY_DB_PREPARED_STATEMENTS="1") == {
        "server_side_binding": True,
        "prepare_threshold": 5,
    }
