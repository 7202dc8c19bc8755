"""When an order's cycles begin and end, computed from its anchor, trial and pauses.

Boundaries are ``anchor + n x cycle`` with month ends clamped by ``relativedelta`` (Jan 31 +
1 month = Feb 28/29, + 2 months = Mar 31), never "previous boundary + one cycle", so they never
drift. A free trial is cycle 0 and shifts the anchor by its days. Each pause shifts every
boundary after it by the paused time (an open pause by the time paused so far). All in UTC.

The functions read an order's pause periods with ``pauses_of``: load them first (``pauses_load``
for a page of orders, ``pauses_prefetch()`` in a queryset, or ``pauses_set`` for an order being
built) and nothing here runs a query. Loaded periods live in the order's ``loaded_pauses``
list, Django's public ``Prefetch(to_attr=...)`` place for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects

from config import clock
from orders.models import CLOSED, Order, OrderStatus, PausePeriod, PeriodUnit, PricingModel

# The order attribute that holds its loaded pause periods (a list, in pause order).
LOADED = "loaded_pauses"
# More cycles than any order can have (2,000 cycles, or 999-day trials): a guard, not a rule.
MAX_CYCLES = 100_000


@dataclass(frozen=True)
class Cycle:
    """One cycle: index 0 is the free trial, paid cycles count from 1."""

    index: int
    started_date: datetime
    ended_date: datetime | None


def pauses_of(order: Order) -> list[PausePeriod]:
    """The order's pause periods in pause order (none for an unsaved preview order)."""
    if order._state.adding:
        return []
    loaded = getattr(order, LOADED, None)
    periods = loaded if loaded is not None else order.pause_periods.all()
    return sorted(periods, key=lambda p: p.pause_date)


def pauses_set(order: Order, periods: Iterable[PausePeriod]) -> None:
    """Make ``pauses_of(order)`` answer ``periods`` without a query (an order being changed
    or built keeps the periods it has in memory)."""
    setattr(order, LOADED, list(periods))


def pauses_prefetch() -> Prefetch:
    """For ``prefetch_related``: the pause periods, where ``pauses_of`` reads them. A new
    ``Prefetch`` each time: Django adds a prefix to one used in a nested lookup."""
    return Prefetch("pause_periods", to_attr=LOADED)


_UNITS: dict[str, str] = {
    PeriodUnit.DAY: "days",
    PeriodUnit.WEEK: "weeks",
    PeriodUnit.MONTH: "months",
    PeriodUnit.YEAR: "years",
}


def pauses_load(orders: Iterable[Order]) -> None:
    """Read the pause periods of ``orders`` in one query, and only for orders ever paused
    (most never are: they get an empty list without a query)."""
    orders = list(orders)
    for order in orders:
        if order.times_paused:
            vars(order).pop(LOADED, None)  # Django skips orders that have them already
        else:
            pauses_set(order, [])
    prefetch_related_objects([o for o in orders if o.times_paused], pauses_prefetch())


def cycle_length(order: Order, cycles: int = 1) -> relativedelta | timedelta:
    """``cycles`` cycles of ``order``: days and weeks are exact, months and years clamp."""
    unit = _UNITS[order.duration_unit or PeriodUnit.MONTH]
    return _length(unit, (order.duration_count or 1) * cycles)


@lru_cache(maxsize=4096)
def _length(unit: str, count: int) -> relativedelta | timedelta:
    """Lengths are immutable values and few: each is built once (a relativedelta is slow)."""
    if unit == "days":
        return timedelta(days=count)
    if unit == "weeks":
        return timedelta(weeks=count)
    if unit == "months":
        return relativedelta(months=count)
    return relativedelta(years=count)


def trial_days(order: Order) -> int:
    if order.pricing_model != PricingModel.SUBSCRIPTION:
        return 0
    return order.free_trial_days or 0


def anchor(order: Order) -> datetime:
    """Where paid cycle 1 starts before any pause: the start, moved by the free trial."""
    return order.start_date + timedelta(days=trial_days(order))


def planned_end(order: Order) -> datetime | None:
    """The end as bought (no pauses, no postponement); None for orders that run until canceled."""
    if order.pricing_model == PricingModel.SINGLE_PAYMENT_FOR_DURATION:
        return order.start_date + cycle_length(order)
    if order.pricing_model == PricingModel.SUBSCRIPTION and order.cycle_count:
        return anchor(order) + cycle_length(order, order.cycle_count)
    return None


def last_index(order: Order) -> int | None:
    """The index of the last paid cycle; None when cycles repeat until canceled."""
    if order.pricing_model == PricingModel.SUBSCRIPTION:
        return order.cycle_count or None
    if order.pricing_model == PricingModel.SINGLE_PAYMENT_FOR_DURATION:
        return 1
    return None


def _shifted(nominal: datetime, pauses: list[PausePeriod], at: datetime) -> datetime:
    """``nominal`` pushed back by every pause that began before it (as pushed so far)."""
    shift = timedelta()
    for pause in pauses:
        if pause.pause_date < nominal + shift:
            shift += (pause.resume_date or max(at, pause.pause_date)) - pause.pause_date
    return nominal + shift


def boundary(order: Order, n: int, pauses: list[PausePeriod], at: datetime) -> datetime:
    """The moment paid cycle ``n`` ends and ``n + 1`` begins (n = 0: the trial's end)."""
    if order.pricing_model != PricingModel.SUBSCRIPTION:
        nominal = order.start_date + cycle_length(order, n)
    else:
        nominal = anchor(order) + cycle_length(order, n) if n else anchor(order)
    return _shifted(nominal, pauses, at)


def cycle_at_index(order: Order, index: int, pauses: list[PausePeriod], at: datetime) -> Cycle:
    """Cycle ``index`` with its dates; the last one ends at the order's end date."""
    if order.pricing_model == PricingModel.SINGLE_PAYMENT_UNLIMITED:
        return Cycle(1, order.start_date, order.end_date)
    started = order.start_date if index == 0 else boundary(order, index - 1, pauses, at)
    return _cycle(order, index, started, boundary(order, index, pauses, at))


def _cycle(order: Order, index: int, started: datetime, ended: datetime) -> Cycle:
    """Cycle ``index`` from its boundaries, its end clamped to the order's end date."""
    if order.end_date is not None and (index == last_index(order) or order.end_date < ended):
        ended = order.end_date
    return Cycle(index, started, ended)


def first_index(order: Order) -> int:
    return 0 if trial_days(order) else 1


def _has_started(order: Order, at: datetime) -> bool:
    return order.status != OrderStatus.DRAFT and order.start_date <= at


def order_cycles(order: Order, at: datetime | None = None) -> list[Cycle]:
    """The past cycles and the current one, oldest first (none before the order starts).

    Each boundary is computed once: the end of one cycle is the start of the next.
    """
    at = at or clock.now()
    if not _has_started(order, at):
        return []
    if order.pricing_model == PricingModel.SINGLE_PAYMENT_UNLIMITED:
        return [Cycle(1, order.start_date, order.end_date)]
    pauses = pauses_of(order)
    limit = at if order.end_date is None else min(at, order.end_date)
    cycles: list[Cycle] = []
    index = first_index(order)
    final = last_index(order)
    started = order.start_date if index == 0 else boundary(order, index - 1, pauses, at)
    while len(cycles) < MAX_CYCLES:
        ends_at = boundary(order, index, pauses, at)
        cycle = _cycle(order, index, started, ends_at)
        if cycles and cycle.started_date > limit:
            break
        if order.end_date is not None and cycle.started_date >= order.end_date and cycles:
            break
        cycles.append(cycle)
        if cycle.ended_date is None or index == final or cycle.ended_date > limit:
            break
        started = ends_at
        index += 1
    return cycles


def _is_over(order: Order, at: datetime) -> bool:
    """Closed, or past its end date: no cycle is current any more."""
    if order.status in CLOSED:
        return True
    return order.end_date is not None and at >= order.end_date


def current_of(order: Order, cycles: list[Cycle], at: datetime) -> Cycle | None:
    """The current cycle, given ``cycles = order_cycles(order, at)``: the last one, unless the
    order is over. Saves computing the cycles twice when both are wanted."""
    if _is_over(order, at):
        return None
    return cycles[-1] if cycles else None


def current_cycle(order: Order, at: datetime) -> Cycle | None:
    """The cycle running at ``at``; None before the start, after the end, or once closed."""
    if _is_over(order, at):
        return None
    hint = order.current_cycle_index
    if hint is not None and _has_started(order, at):  # usually the stored cycle is current
        cycle = cycle_at_index(order, hint, pauses_of(order), at)
        if cycle.started_date <= at and (cycle.ended_date is None or at < cycle.ended_date):
            return cycle
    return current_of(order, order_cycles(order, at), at)


def next_renewal(order: Order, pauses: list[PausePeriod], at: datetime) -> datetime | None:
    """When the cycle after the current one begins (a payment is due); None if none follows."""
    index = order.current_cycle_index
    if order.pricing_model != PricingModel.SUBSCRIPTION or index is None:
        return None
    final = last_index(order)
    if final is not None and index >= final:
        return None
    return boundary(order, index, pauses, at)


def draft_ttl() -> timedelta:
    """How long an unpaid online draft waits for its payment (``TALLY_DRAFT_TTL``)."""
    return _parsed_ttl(settings.TALLY_DRAFT_TTL)


@lru_cache(maxsize=4)
def _parsed_ttl(text: str) -> timedelta:
    return clock.parse_delta(text)


def payment_retry_days() -> tuple[int, ...]:
    """Days after a declined renewal that it is tried again (``TALLY_PAYMENT_RETRY_DAYS``)."""
    return _parsed_days(settings.TALLY_PAYMENT_RETRY_DAYS)


@lru_cache(maxsize=4)
def _parsed_days(text: str) -> tuple[int, ...]:
    return tuple(sorted(int(day) for day in text.split(",") if day.strip()))


def next_transition(order: Order, at: datetime) -> datetime | None:
    """The next moment time alone changes the order (what the clock waits for)."""
    if order.status == OrderStatus.PENDING:
        return order.start_date
    if order.status == OrderStatus.DRAFT:  # unpaid for too long: expires
        return order.created_date + draft_ttl()
    if order.status != OrderStatus.ACTIVE:
        return None
    candidates = [order.end_date]
    if order.payment_retry_at is not None:  # past due: the next try at the open invoice
        candidates.append(order.payment_retry_at)
    elif not order.auto_renew_canceled:
        candidates.append(next_renewal(order, pauses_of(order), at))
    due = [c for c in candidates if c is not None]
    return min(due) if due else None
