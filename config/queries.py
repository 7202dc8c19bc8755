"""Small query helpers shared by the services and selectors."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import QuerySet

Row = TypeVar("Row")


def unique_or_none(queryset: QuerySet[Any, Row]) -> Row | None:
    """The one row of a lookup by a unique key (or a unique join), or None.

    ``first()`` sorts by the model's default ordering, or the primary key, before taking a
    row: for a lookup that matches at most one row that sort changes nothing, yet Django
    compiles it on every call (and an ordering on a foreign key joins its table). This takes
    the first row of the unsorted query instead.
    """
    return next(iter(queryset.order_by()[:1]), None)
