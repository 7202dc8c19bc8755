"""Migrations of the webhooks app that move existing rows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("webhooks", "0002_outbox_notify")
AFTER = ("webhooks", "0003_endpoint_enabled_date")


def migrated_to(target: tuple[str, str]):
    """Migrate the webhooks app to ``target``; the historical models there."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_existing_endpoints_are_enabled_from_their_creation(app_factory):
    # given an endpoint made before enabled_date existed
    app, _ = app_factory()
    created = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    old = migrated_to(BEFORE)
    try:
        old.get_model("webhooks", "Endpoint").objects.create(
            app_id=app.pk,
            url="https://93.184.215.14/hook",
            created_date=created,
            updated_date=datetime(2025, 6, 1, tzinfo=UTC),
        )
    finally:
        # when the migration runs
        new = migrated_to(AFTER)
    # then it receives what it did before: the events written since its creation
    assert new.get_model("webhooks", "Endpoint").objects.get().enabled_date == created
