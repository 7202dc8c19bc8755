"""Weeks and months cut in the site's time zone, and whether each is over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

WEEKS = 12
MONTHS = 12


@dataclass(frozen=True)
class Period:
    start: date  # the Monday, or the first of the month
    begins: datetime  # its first moment (local midnight, as UTC)
    ends: datetime  # its last moment: the next period's first, or now for the current one
    over: bool  # the next period has begun


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def week_starts(at: datetime, weeks: int = WEEKS) -> list[date]:
    """The Mondays of the last ``weeks`` weeks, the current one last."""
    today = timezone.localtime(at).date()
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def month_starts(at: datetime, months: int = MONTHS) -> list[date]:
    """The first days of the last ``months`` months, the current one last."""
    first = timezone.localtime(at).date().replace(day=1)
    result = [first]
    while len(result) < months:
        previous = result[-1] - timedelta(days=1)
        result.append(previous.replace(day=1))
    return result[::-1]


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _periods(starts: list[date], following, at: datetime) -> list[Period]:
    result = []
    for start in starts:
        after = local_midnight(following(start))
        result.append(Period(start, local_midnight(start), min(after, at), after <= at))
    return result


def weeks(at: datetime, count: int = WEEKS) -> list[Period]:
    return _periods(week_starts(at, count), lambda d: d + timedelta(weeks=1), at)


def months(at: datetime, count: int = MONTHS) -> list[Period]:
    return _periods(month_starts(at, count), _next_month, at)
