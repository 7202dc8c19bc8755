"""The numbers on the dashboard home: orders, members, recurring revenue, churn, trials, revenue.

Weeks and months are cut in the site's time zone (``periods``); each period's figures come
from a few aggregate queries (``facts``); finished periods are computed once and kept
(``rollup``), so drawing the home costs the current week and month, not the whole year. The
admin draws them as charts (orders/admin/charts.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from config.money import quantize
from orders.dashboard import facts, periods
from orders.dashboard.periods import MONTHS, WEEKS, local_midnight, month_starts, week_starts
from orders.dashboard.rollup import period_facts
from orders.models import Order, Payment, Plan

__all__ = [
    "MONTHS",
    "WEEKS",
    "MonthMeasures",
    "Revenue",
    "Today",
    "WeekCounts",
    "active_orders",
    "month_starts",
    "monthly",
    "orders_per_week",
    "revenue_per_month",
    "running_now",
    "subscription_measures",
    "today_numbers",
    "week_starts",
]


@dataclass(frozen=True)
class WeekCounts:
    week: date  # the Monday the week starts on
    new: int
    canceled: int
    active: int = 0  # orders in their term at the week's end (now, for the current week)


@dataclass(frozen=True)
class Revenue:
    currency: str
    months: list[date]
    plans: list[str]
    amounts: dict[tuple[date, str], Decimal]  # (month, plan) -> sum of successful payments

    def total(self, month: date) -> Decimal:
        return sum((self.amounts.get((month, plan), Decimal(0)) for plan in self.plans), Decimal(0))


@dataclass(frozen=True)
class MonthMeasures:
    """The subscription measures of one month (the current month: up to now)."""

    month: date
    mrr: dict[str, Decimal]  # currency -> recurring revenue per month at the month's end
    active_members: int  # members with an order in its term at the month's end
    subscriptions_at_start: int
    canceled: int  # subscriptions whose cancellation took effect during the month
    trials_ended: int  # trials begun in the month that are over (paid or dropped)
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


def running_now() -> dict:
    """What runs now, read once and handed to each measure that needs it."""
    return facts.now_facts()


# ---- weeks -------------------------------------------------------------------------------


def orders_per_week(
    at: datetime, weeks: int = WEEKS, *, now: dict | None = None
) -> list[WeekCounts]:
    """New orders (by creation), cancellations (by request date) and active orders per week."""
    spans = periods.weeks(at, weeks)
    running = now if now is not None else facts.now_facts()
    figures = period_facts("week", spans, lambda todo: facts.week_facts(todo, running))
    return [
        WeekCounts(
            p.start,
            figures[p.start]["new"],
            figures[p.start]["canceled"],
            figures[p.start]["active"],
        )
        for p in spans
    ]


def active_orders(at: datetime, weeks: int = WEEKS) -> list[tuple[date, int]]:
    """Orders in their term at the end of each week (and now, for the current week)."""
    return [(w.week, w.active) for w in orders_per_week(at, weeks)]


# ---- months ------------------------------------------------------------------------------


def trial_lengths() -> list[int]:
    """The free-trial lengths the plans offer (a handful; read from the small plans table)."""
    values = Plan.objects.filter(free_trial_days__gt=0).values_list("free_trial_days", flat=True)
    return sorted(set(values))


def _month_figures(
    at: datetime, months: int, now: dict | None
) -> tuple[list[periods.Period], dict[date, dict]]:
    """Finished months from the rollup, the current one from what is running now, and the
    trials of each month (kept once the last trial begun in the month is over)."""
    lengths = trial_lengths()
    spans = periods.months(at, months)
    finished, current = spans[:-1], spans[-1]
    figures = period_facts("month", finished, lambda todo: facts.month_facts(todo, lengths=lengths))
    before = figures[finished[-1].start]["subs_end"] if finished else None
    running = now if now is not None else facts.now_facts()
    figures[current.start] = facts.current_month_facts(current, running, before)
    settle = timedelta(days=max(lengths, default=0))
    trial_spans = [replace(p, over=p.over and p.ends + settle <= at) for p in spans]
    trials = period_facts(
        "trials", trial_spans, lambda todo: facts.trials(todo, lengths=lengths, at=at)
    )
    for start, values in trials.items():
        figures[start] = {**figures[start], **values}
    return spans, figures


def monthly(
    at: datetime, months: int = MONTHS, *, now: dict | None = None
) -> tuple[list[MonthMeasures], list[Revenue]]:
    """The subscription measures and the revenue by plan, per month, from one set of figures."""
    spans, figures = _month_figures(at, months, now)
    return [_measures(p.start, figures[p.start]) for p in spans], _revenues(spans, figures)


def subscription_measures(at: datetime, months: int = MONTHS) -> list[MonthMeasures]:
    return monthly(at, months)[0]


def revenue_per_month(at: datetime, months: int = MONTHS) -> list[Revenue]:
    """Successful payments per month and plan, one series per currency."""
    return monthly(at, months)[1]


def _measures(month: date, f: dict) -> MonthMeasures:
    return MonthMeasures(
        month=month,
        mrr={c: quantize(Decimal(amount), c) for c, amount in f["mrr"].items()},
        active_members=f["members"],
        subscriptions_at_start=f["subs_start"],
        canceled=f["canceled"],
        trials_ended=f["trials"],
        trials_converted=f["converted"],
    )


def _revenues(spans: list[periods.Period], figures: dict[date, dict]) -> list[Revenue]:
    months = [p.start for p in spans]
    by_currency: dict[str, dict[tuple[date, str], Decimal]] = {}
    for month in months:
        for currency, by_plan in figures[month]["revenue"].items():
            for plan, amount in by_plan.items():
                by_currency.setdefault(currency, {})[(month, plan)] = Decimal(amount)
    return [
        Revenue(currency, months, sorted({plan for _, plan in amounts}), amounts)
        for currency, amounts in sorted(by_currency.items())
    ]


# ---- today -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Today:
    """The day so far, in the site's time zone, and what is running now."""

    new_orders: int
    cancellations: int  # cancellations requested today (now or at the next payment date)
    received: dict[str, Decimal]  # currency -> successful payments today
    failed_payments: int
    active_orders: int
    paused_orders: int


def today_numbers(at: datetime, *, now: dict | None = None) -> Today:
    """Indexed reads only: today's orders, cancellations and payments; what runs now."""
    running = now if now is not None else facts.now_facts()
    midnight = local_midnight(timezone.localtime(at).date())
    new = Order.objects.filter(created_date__gte=midnight).count()
    cancellations = Order.objects.filter(cancellation_requested_date__gte=midnight).count()
    # Counting the date column (never null) rather than the key keeps this an index-only scan
    # of ``payment_revenue_idx``.
    payments = (
        Payment.objects.filter(created_date__gte=midnight)
        .values("currency", "status")
        .annotate(n=Count("created_date"), amount=Sum("amount"))
        .order_by()
    )
    received: dict[str, Decimal] = {}
    failed = 0
    for row in payments:
        if row["status"] in Payment.TAKEN:
            received[row["currency"]] = received.get(row["currency"], 0) + row["amount"]
        elif row["status"] == Payment.Status.FAILED:
            failed += row["n"]
    return Today(
        new_orders=new,
        cancellations=cancellations,
        received=dict(sorted(received.items())),
        failed_payments=failed,
        active_orders=running["active_end"] - running["paused"],
        paused_orders=running["paused"],
    )
