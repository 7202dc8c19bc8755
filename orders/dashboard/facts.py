"""The figures of a list of weeks or months, a few aggregate queries each (never one per point).

Every query reads only the rows that can matter to the periods asked for (orders alive in
that window, payments made in it, orders created in it), so asking for the current period
alone costs a fraction of asking for a year. The results are plain JSON (money as decimal
strings): finished periods are stored as they are (``orders.dashboard.rollup``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum

from orders.dashboard import running
from orders.dashboard.periods import Period
from orders.models import CLOSED, Order, OrderStatus, Payment

SUBSCRIPTION = "SUBSCRIPTION"


def in_term(moment: datetime) -> Q:
    """Paid for or free, started, and not yet ended or canceled at ``moment``."""
    return Q(start_date__lte=moment) & (Q(end_date__isnull=True) | Q(end_date__gt=moment))


def _alive(since: datetime, until: datetime) -> Q:
    """Orders in their term at some moment between ``since`` and ``until``."""
    return Q(start_date__lte=until) & (Q(end_date__isnull=True) | Q(end_date__gt=since))


def _between(field: str, p: Period, first: Period | None = None) -> Q:
    """From ``first``'s start (or the period's) to the period's end: before it, or up to and
    including now for the current period."""
    until = "lt" if p.over else "lte"
    return Q(**{f"{field}__gte": (first or p).begins, f"{field}__{until}": p.ends})


def _window(field: str, periods: list[Period]) -> Q:
    return _between(field, periods[-1], periods[0])


def trial_over(moment: datetime, lengths: list[int]) -> Q:
    """Past its free trial at ``moment``: one date comparison per trial length, so the same
    query runs on SQLite (no date arithmetic on columns). A length no plan offers any more
    (a plan's trial changed after the order) counts as over from the start."""
    over = Q(free_trial_days__isnull=True) | Q(free_trial_days=0)
    over |= Q(free_trial_days__gt=0) & ~Q(free_trial_days__in=lengths)
    for days in lengths:
        over |= Q(free_trial_days=days, start_date__lte=moment - timedelta(days=days))
    return over


def week_facts(periods: list[Period], now: dict | None = None) -> dict[date, dict]:
    """Per week: orders in their term at its end (``now``'s for the current week), orders
    created, cancellations requested."""
    past = [p for p in periods if p.over or now is None]
    active = {}
    if past:
        counts = (
            Order.objects.exclude(status=OrderStatus.DRAFT)
            .filter(_alive(past[0].ends, past[-1].ends))
            .aggregate(**{f"a{i}": Count("pk", filter=in_term(p.ends)) for i, p in enumerate(past)})
        )
        active = {p.start: counts[f"a{i}"] for i, p in enumerate(past)}
    for p in periods:
        active.setdefault(p.start, now["active_end"] if now else 0)
    new = Order.objects.filter(_window("created_date", periods)).aggregate(
        **{f"n{i}": Count("pk", filter=_between("created_date", p)) for i, p in enumerate(periods)}
    )
    # Counting the date column itself (never null here) keeps this an index-only scan of the
    # partial cancellation index: the count reads no column the index does not hold.
    field = "cancellation_requested_date"
    canceled = Order.objects.filter(_window(field, periods)).aggregate(
        **{f"c{i}": Count(field, filter=_between(field, p)) for i, p in enumerate(periods)}
    )
    return {
        p.start: {"active": active[p.start], "new": new[f"n{i}"], "canceled": canceled[f"c{i}"]}
        for i, p in enumerate(periods)
    }


def month_facts(periods: list[Period], *, lengths: list[int]) -> dict[date, dict]:
    """Per finished month: recurring revenue, subscriptions, cancellations, members, revenue."""
    facts: dict[date, dict] = {p.start: {} for p in periods}
    for part in (_subscriptions(periods, lengths), _members(periods), _revenue(periods)):
        for start, values in part.items():
            facts[start].update(values)
    return facts


def _subscriptions(periods: list[Period], lengths: list[int]) -> dict[date, dict]:
    """One pass, grouped by currency and cycle length (a handful of rows): each cycle's price
    summed at each month's end (past its trial), running at its start and end, canceled in it."""
    aggregates = {}
    for i, p in enumerate(periods):
        aggregates[f"r{i}"] = Sum("total", filter=in_term(p.ends) & trial_over(p.ends, lengths))
        aggregates[f"s{i}"] = Count("pk", filter=in_term(p.begins))
        aggregates[f"e{i}"] = Count("pk", filter=in_term(p.ends))
        ended = Q(status=OrderStatus.CANCELED, end_date__gt=p.begins, end_date__lte=p.ends)
        aggregates[f"c{i}"] = Count("pk", filter=ended)
    rows = (
        Order.objects.exclude(status=OrderStatus.DRAFT)
        .filter(_alive(periods[0].begins, periods[-1].ends), pricing_model=SUBSCRIPTION)
        .values("currency", "duration_unit", "duration_count")
        .annotate(**aggregates)
        .order_by()
    )
    facts = {
        p.start: {"mrr": defaultdict(Decimal), "subs_start": 0, "subs_end": 0, "canceled": 0}
        for p in periods
    }
    for row in rows:
        months = monthly_share(row["duration_unit"], row["duration_count"])
        for i, p in enumerate(periods):
            f = facts[p.start]
            if row[f"r{i}"]:
                f["mrr"][row["currency"]] += row[f"r{i}"] / months
            f["subs_start"] += row[f"s{i}"]
            f["subs_end"] += row[f"e{i}"]
            f["canceled"] += row[f"c{i}"]
    for f in facts.values():
        f["mrr"] = {c: str(amount) for c, amount in sorted(f["mrr"].items())}
    return facts


# A cycle's length in months, per unit (a year is 12 months, a week 7 / 30.4375).
MONTHS_PER_UNIT = {
    "MONTH": Decimal(1),
    "YEAR": Decimal(12),
    "WEEK": Decimal(7) / Decimal("30.4375"),
    "DAY": Decimal(1) / Decimal("30.4375"),
}


def monthly_share(unit: str, count: int) -> Decimal:
    return MONTHS_PER_UNIT.get(unit, Decimal(1)) * max(count, 1)


def _members(periods: list[Period]) -> dict[date, dict]:
    """Members with an order in its term, and such orders, at each month's end."""
    counts = (
        Order.objects.exclude(status=OrderStatus.DRAFT)
        .filter(_alive(periods[0].ends, periods[-1].ends))
        .aggregate(
            **{
                f"m{i}": Count("buyer_id", distinct=True, filter=in_term(p.ends))
                for i, p in enumerate(periods)
            },
            **{f"a{i}": Count("pk", filter=in_term(p.ends)) for i, p in enumerate(periods)},
        )
    )
    return {
        p.start: {"members": counts[f"m{i}"], "active_end": counts[f"a{i}"]}
        for i, p in enumerate(periods)
    }


def _revenue(periods: list[Period]) -> dict[date, dict]:
    """Money taken (``Payment.TAKEN``) per currency and plan (as bought) in each month, from the
    payments' own columns (an index-only scan of ``payment_revenue_idx`` on PostgreSQL)."""
    rows = (
        Payment.objects.filter(_window("created_date", periods), status__in=Payment.TAKEN)
        .values("currency", "plan_name")
        .annotate(
            **{
                f"v{i}": Sum("amount", filter=_between("created_date", p))
                for i, p in enumerate(periods)
            }
        )
        .order_by()
    )
    facts: dict[date, dict] = {p.start: {"revenue": {}} for p in periods}
    for row in rows:
        for i, p in enumerate(periods):
            if row[f"v{i}"]:
                by_plan = facts[p.start]["revenue"].setdefault(row["currency"], {})
                by_plan[row["plan_name"]] = str(row[f"v{i}"])
    return facts


def trials(periods: list[Period], lengths: list[int], at: datetime) -> dict[date, dict]:
    """Per month a trial began: trials now over (paid or dropped), and those that were paid."""
    over = trial_over(at, lengths) | Q(current_cycle_index__gte=1) | Q(status__in=CLOSED)
    counts = (
        Order.objects.filter(
            _window("start_date", periods),
            pricing_model=SUBSCRIPTION,
            free_trial_days__gt=0,
        )
        .exclude(status=OrderStatus.DRAFT)
        .filter(over)
        .aggregate(
            **{
                f"t{i}": Count("pk", filter=_between("start_date", p))
                for i, p in enumerate(periods)
            },
            **{
                f"p{i}": Count(
                    "pk", filter=_between("start_date", p) & Q(current_cycle_index__gte=1)
                )
                for i, p in enumerate(periods)
            },
        )
    )
    return {
        p.start: {"trials": counts[f"t{i}"], "converted": counts[f"p{i}"]}
        for i, p in enumerate(periods)
    }


# ---- now: what is running, from the figures the database keeps ---------------------------


def now_facts() -> dict:
    """What is running now: orders, members, and the recurring revenue.

    Running now is ACTIVE or PAUSED: the clock moves an order out of these when its term ends,
    so this is "in its term now" without comparing dates, and a running subscription is past
    its free trial once its cycle index is 1 or more. The counts and sums are kept by the
    database (``orders.dashboard.running``), so this reads a few dozen rows, not every running
    order; only the subscriptions still in their trial are read from the orders, to leave them
    out of the recurring revenue.
    """
    figures = running.maintained()
    by_cycle: dict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    active = subscriptions = paused = 0
    for (status, currency, unit, count, model), (n, total) in figures.totals.items():
        active += n
        if status == OrderStatus.PAUSED:
            paused += n
        if model == SUBSCRIPTION:
            subscriptions += n
            by_cycle[(currency, unit, count)] += total
    for cycle, total in running.in_trial().items():
        by_cycle[cycle] -= total
    mrr: dict[str, Decimal] = defaultdict(Decimal)
    for (currency, unit, count), total in by_cycle.items():
        if total:
            mrr[currency] += total / monthly_share(unit, count)
    return {
        "mrr": {c: str(amount) for c, amount in sorted(mrr.items())},
        "subs_end": subscriptions,
        "members": figures.members,
        "active_end": active,
        "paused": paused,
    }


def current_month_facts(p: Period, now: dict, subs_start: int | None) -> dict:
    """The current month: now's figures, plus the cancellations so far (through the end-date
    index) and the subscriptions running when it began (the previous month's end)."""
    canceled = Order.objects.filter(
        status=OrderStatus.CANCELED,
        pricing_model=SUBSCRIPTION,
        end_date__gt=p.begins,
        end_date__lte=p.ends,
    ).count()
    if subs_start is None:
        subs_start = (
            Order.objects.exclude(status=OrderStatus.DRAFT)
            .filter(in_term(p.begins), pricing_model=SUBSCRIPTION)
            .count()
        )
    return {
        **{k: now[k] for k in ("mrr", "subs_end", "members", "active_end")},
        "subs_start": subs_start,
        "canceled": canceled,
        **_revenue([p])[p.start],
    }
