"""Finished periods are computed once and kept; the current one is computed every time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.utils import timezone

from config import clock
from orders.dashboard.periods import Period
from orders.models import DashboardPeriod

Compute = Callable[[list[Period]], dict[date, dict]]


def period_facts(kind: str, periods: list[Period], compute: Compute) -> dict[date, dict]:
    """The figures of each period: stored ones read back, the rest computed in one go, and the
    finished ones among those stored (a second request computes only the current period)."""
    zone = timezone.get_current_timezone_name()
    stored = {
        row.start: row.data
        for row in DashboardPeriod.objects.filter(
            kind=kind, time_zone=zone, start__in=[p.start for p in periods if p.over]
        )
    }
    todo = [p for p in periods if p.start not in stored]
    fresh = compute(todo) if todo else {}
    now = clock.now()
    DashboardPeriod.objects.bulk_create(
        [
            DashboardPeriod(
                kind=kind, start=p.start, time_zone=zone, data=fresh[p.start], computed_date=now
            )
            for p in todo
            if p.over
        ],
        ignore_conflicts=True,  # two requests may finish the same period at once
    )
    return {**stored, **fresh}
