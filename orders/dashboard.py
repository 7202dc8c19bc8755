"""The numbers on the dashboard home: active orders, new orders and cancellations, revenue.

Each function is a few aggregate queries (never one per point), with weeks and months cut in
the site's time zone. The admin draws them as charts (orders/admin/charts.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from orders.models import Order, OrderStatus, Payment

WEEKS = 12
MONTHS = 12


@dataclass(frozen=True)
class WeekCounts:
    week: date  # the Monday the week starts on
    new: int
    canceled: int


@dataclass(frozen=True)
class Revenue:
    currency: str
    months: list[date]
    plans: list[str]
    amounts: dict[tuple[date, str], Decimal]  # (month, plan) -> sum of successful payments

    def total(self, month: date) -> Decimal:
        return sum((self.amounts.get((month, plan), Decimal(0)) for plan in self.plans), Decimal(0))


def _local_midnight(day: date) -> datetime:
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


def active_orders(at: datetime, weeks: int = WEEKS) -> list[tuple[date, int]]:
    """Orders in their term at the end of each week (and now, for the current week).

    In its term: paid for or free (not a draft), started, and not yet ended or canceled.
    """
    moments = [min(_local_midnight(w + timedelta(weeks=1)), at) for w in week_starts(at, weeks)]
    counts = Order.objects.exclude(status=OrderStatus.DRAFT).aggregate(
        **{f"p{i}": Count("pk", filter=_in_term(moment)) for i, moment in enumerate(moments)}
    )
    return [(w, counts[f"p{i}"]) for i, w in enumerate(week_starts(at, weeks))]


def _in_term(moment: datetime) -> Q:
    return Q(start_date__lte=moment) & (Q(end_date__isnull=True) | Q(end_date__gt=moment))


def orders_per_week(at: datetime, weeks: int = WEEKS) -> list[WeekCounts]:
    """New orders (by creation) and cancellations (by request date) per week."""
    starts = week_starts(at, weeks)
    since = _local_midnight(starts[0])
    zone = timezone.get_current_timezone()
    new = _per_week(Order.objects.filter(created_date__gte=since), "created_date", zone)
    canceled = _per_week(
        Order.objects.filter(cancellation_requested_date__gte=since),
        "cancellation_requested_date",
        zone,
    )
    return [WeekCounts(w, new.get(w, 0), canceled.get(w, 0)) for w in starts]


def _per_week(queryset, field: str, zone) -> dict[date, int]:
    rows = (
        queryset.annotate(week=TruncWeek(field, tzinfo=zone))
        .values("week")
        .annotate(n=Count("pk"))
        .values_list("week", "n")
    )
    return {_as_date(week): n for week, n in rows}


def revenue_per_month(at: datetime, months: int = MONTHS) -> list[Revenue]:
    """Successful payments per month and plan, one series per currency."""
    starts = month_starts(at, months)
    zone = timezone.get_current_timezone()
    rows = (
        Payment.objects.filter(
            status=Payment.Status.SUCCEEDED, created_date__gte=_local_midnight(starts[0])
        )
        .annotate(month=TruncMonth("created_date", tzinfo=zone))
        .values("currency", "month", "order__plan_name")
        .annotate(amount=Sum("amount"))
        .values_list("currency", "month", "order__plan_name", "amount")
    )
    by_currency: dict[str, dict[tuple[date, str], Decimal]] = defaultdict(dict)
    for currency, month, plan, amount in rows:
        by_currency[currency][(_as_date(month), plan)] = amount
    return [
        Revenue(
            currency=currency,
            months=starts,
            plans=sorted({plan for _, plan in amounts}),
            amounts=amounts,
        )
        for currency, amounts in sorted(by_currency.items())
    ]


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value
