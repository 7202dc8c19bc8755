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

from config.money import quantize
from orders.models import Order, OrderStatus, Payment, Plan

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


# ---- the subscription measures: MRR, active members, churn, trial conversion -----------------

SUBSCRIPTION = "SUBSCRIPTION"
# A cycle's price as a share of a month, per cycle unit (a year is 12 months, a week 7/30.4375).
MONTHS_PER_UNIT = {
    "MONTH": Decimal(1),
    "YEAR": Decimal(12),
    "WEEK": Decimal(7) / Decimal("30.4375"),
    "DAY": Decimal(1) / Decimal("30.4375"),
}


@dataclass(frozen=True)
class MonthMeasures:
    """The subscription measures of one month (the current month: up to now)."""

    month: date
    mrr: dict[str, Decimal]  # currency -> recurring revenue per month at the month's end
    active_members: int  # members with an order in its term at the month's end
    subscriptions_at_start: int
    canceled: int  # subscriptions whose cancellation took effect during the month
    trials_ended: int  # trials started in the month that are over (paid or dropped)
    trials_converted: int  # of those, the ones that went on to a paid cycle

    @property
    def churn_rate(self) -> Decimal | None:
        """Canceled subscriptions as a share of those running when the month began."""
        if not self.subscriptions_at_start:
            return None
        return Decimal(self.canceled) / Decimal(self.subscriptions_at_start)

    @property
    def trial_conversion(self) -> Decimal | None:
        if not self.trials_ended:
            return None
        return Decimal(self.trials_converted) / Decimal(self.trials_ended)


def month_ends(at: datetime, months: int = MONTHS) -> list[tuple[date, datetime, datetime]]:
    """(month, its first moment, its last moment or now) for the last ``months`` months."""
    starts = month_starts(at, months)
    result = []
    for i, month in enumerate(starts):
        nxt = starts[i + 1] if i + 1 < len(starts) else None
        end = min(_local_midnight(nxt), at) if nxt else at
        result.append((month, _local_midnight(month), end))
    return result


def trial_lengths() -> list[int]:
    """The free-trial lengths the plans offer (a handful; read from the small plans table)."""
    values = Plan.objects.filter(free_trial_days__gt=0).values_list("free_trial_days", flat=True)
    return sorted(set(values))


def _trial_over(moment: datetime, lengths: list[int]) -> Q:
    """Past its free trial at ``moment``: one date comparison per trial length, so the same
    query runs on SQLite (no date arithmetic on columns). A length no plan offers any more
    (a plan's trial changed after the order) counts as over from the start."""
    over = Q(free_trial_days__isnull=True) | Q(free_trial_days=0)
    over |= Q(free_trial_days__gt=0) & ~Q(free_trial_days__in=lengths)
    for days in lengths:
        over |= Q(free_trial_days=days, start_date__lte=moment - timedelta(days=days))
    return over


def subscription_measures(at: datetime, months: int = MONTHS) -> list[MonthMeasures]:
    """MRR, active members, churn and trial conversion per month: three aggregate queries."""
    periods = month_ends(at, months)
    subscriptions = Order.objects.exclude(status=OrderStatus.DRAFT).filter(
        pricing_model=SUBSCRIPTION
    )
    lengths = trial_lengths()
    mrr = _mrr_and_churn(subscriptions, periods, lengths)
    members = Order.objects.exclude(status=OrderStatus.DRAFT).aggregate(
        **{
            f"m{i}": Count("buyer_id", distinct=True, filter=_in_term(end))
            for i, (_, _, end) in enumerate(periods)
        }
    )
    trials = _trials(subscriptions, periods, at, lengths)
    return [
        MonthMeasures(
            month=month,
            mrr=mrr["mrr"][i],
            active_members=members[f"m{i}"],
            subscriptions_at_start=mrr["running"][i],
            canceled=mrr["canceled"][i],
            trials_ended=trials.get(month, (0, 0))[0],
            trials_converted=trials.get(month, (0, 0))[1],
        )
        for i, (month, _, _) in enumerate(periods)
    ]


def _mrr_and_churn(subscriptions, periods, lengths: list[int]) -> dict:
    """One pass over subscriptions, grouped by currency and cycle length (a handful of rows)."""
    aggregates = {}
    for i, (_, start, end) in enumerate(periods):
        aggregates[f"r{i}"] = Sum("total", filter=_in_term(end) & _trial_over(end, lengths))
        aggregates[f"s{i}"] = Count("pk", filter=_in_term(start))
        ended = Q(status=OrderStatus.CANCELED, end_date__gt=start, end_date__lte=end)
        aggregates[f"c{i}"] = Count("pk", filter=ended)
    rows = (
        subscriptions.values("currency", "duration_unit", "duration_count")
        .annotate(**aggregates)
        .order_by()
    )
    n = len(periods)
    result = {
        "mrr": [defaultdict(Decimal) for _ in range(n)],
        "running": [0] * n,
        "canceled": [0] * n,
    }
    for row in rows:
        cycle_months = MONTHS_PER_UNIT.get(row["duration_unit"], Decimal(1)) * max(
            row["duration_count"], 1
        )
        for i in range(n):
            if row[f"r{i}"]:
                result["mrr"][i][row["currency"]] += row[f"r{i}"] / cycle_months
            result["running"][i] += row[f"s{i}"]
            result["canceled"][i] += row[f"c{i}"]
    result["mrr"] = [
        {currency: quantize(amount, currency) for currency, amount in sorted(by.items())}
        for by in result["mrr"]
    ]
    return result


def _trials(subscriptions, periods, at: datetime, lengths) -> dict[date, tuple[int, int]]:
    """Per month a trial began: (trials now over, trials that reached a paid cycle)."""
    zone = timezone.get_current_timezone()
    rows = (
        subscriptions.filter(free_trial_days__gt=0, start_date__gte=periods[0][1])
        .filter(_trial_over(at, lengths) | Q(current_cycle_index__gte=1) | _closed())
        .annotate(month=TruncMonth("start_date", tzinfo=zone))
        .values("month")
        .annotate(n=Count("pk"), paid=Count("pk", filter=Q(current_cycle_index__gte=1)))
        .values_list("month", "n", "paid")
    )
    return {_as_date(month): (n, paid) for month, n, paid in rows}


def _closed() -> Q:
    return Q(status__in=[OrderStatus.CANCELED, OrderStatus.ENDED])


@dataclass(frozen=True)
class Today:
    """The day so far, in the site's time zone, and what is running now."""

    new_orders: int
    cancellations: int  # cancellations requested today (now or at the next payment date)
    received: dict[str, Decimal]  # currency -> successful payments today
    failed_payments: int
    active_orders: int
    paused_orders: int


def today_numbers(at: datetime) -> Today:
    """Two aggregate queries: one over orders, one over today's payments."""
    midnight = _local_midnight(timezone.localtime(at).date())
    counts = Order.objects.aggregate(
        new=Count("pk", filter=Q(created_date__gte=midnight)),
        cancellations=Count("pk", filter=Q(cancellation_requested_date__gte=midnight)),
        active=Count("pk", filter=Q(status=OrderStatus.ACTIVE)),
        paused=Count("pk", filter=Q(status=OrderStatus.PAUSED)),
    )
    payments = (
        Payment.objects.filter(created_date__gte=midnight)
        .values("currency", "status")
        .annotate(n=Count("pk"), amount=Sum("amount"))
        .order_by()
    )
    received: dict[str, Decimal] = {}
    failed = 0
    for row in payments:
        if row["status"] == Payment.Status.SUCCEEDED:
            received[row["currency"]] = row["amount"]
        elif row["status"] == Payment.Status.FAILED:
            failed += row["n"]
    return Today(
        new_orders=counts["new"],
        cancellations=counts["cancellations"],
        received=dict(sorted(received.items())),
        failed_payments=failed,
        active_orders=counts["active"],
        paused_orders=counts["paused"],
    )
