"""Properties of the schedule and of pricing, over random inputs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from orders.models import Coupon, Order, PausePeriod, Plan, TaxSetting
from orders.services import schedule
from orders.services.pricing import discount_of, tax_of

starts = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
)
units = st.sampled_from(["DAY", "WEEK", "MONTH", "YEAR"])
money = st.decimals(min_value=Decimal("0"), max_value=Decimal("9999.99"), places=2)


def monthly(start, unit, count, trial=None) -> Order:
    return Order(
        status="ACTIVE",
        pricing_model="SUBSCRIPTION",
        duration_unit=unit,
        duration_count=count,
        free_trial_days=trial,
        start_date=start,
    )


@given(start=starts, unit=units, count=st.integers(1, 3), n=st.integers(0, 60))
def test_boundaries_are_the_anchor_plus_whole_cycles_and_never_drift(start, unit, count, n):
    order = monthly(start, unit, count)
    step = {"DAY": "days", "WEEK": "weeks", "MONTH": "months", "YEAR": "years"}[unit]
    expected = start + relativedelta(**{step: count * n})
    assert schedule.boundary(order, n, [], start) == expected
    assert schedule.boundary(order, n + 1, [], start) > schedule.boundary(order, n, [], start)


@given(start=starts, trial=st.integers(1, 999), n=st.integers(1, 24))
def test_a_trial_moves_every_paid_boundary_by_its_days(start, trial, n):
    plain = schedule.boundary(monthly(start + timedelta(days=trial), "MONTH", 1), n, [], start)
    assert schedule.boundary(monthly(start, "MONTH", 1, trial), n, [], start) == plain


@given(
    start=starts,
    n=st.integers(1, 12),
    pauses=st.lists(st.tuples(st.integers(1, 400), st.integers(1, 60)), max_size=4),
)
def test_pauses_shift_a_boundary_by_the_pauses_that_began_before_it(start, n, pauses):
    order = monthly(start, "MONTH", 1)
    periods, at = [], start
    for gap, length in pauses:  # consecutive, non-overlapping pauses
        at += timedelta(days=gap)
        periods.append(
            PausePeriod(status="ENDED", pause_date=at, resume_date=at + timedelta(days=length))
        )
        at += timedelta(days=length)
    shifted = schedule.boundary(order, n, periods, at)
    nominal = schedule.boundary(order, n, [], at)
    before = sum(
        ((p.resume_date - p.pause_date) for p in periods if p.pause_date < shifted), timedelta()
    )
    assert shifted == nominal + before


@given(price=money, percent=st.integers(1, 100), rate=st.integers(0, 30), added=st.booleans())
def test_pricing_never_goes_negative_and_adds_up(price, percent, rate, added):
    plan = Plan(price=price, currency="EUR")
    coupon = Coupon(discount_type="PERCENT", value=Decimal(percent))
    discount = discount_of(coupon, price, "EUR")
    tax, total = tax_of(
        price - discount, TaxSetting(rate=Decimal(rate), included_in_price=not added), "EUR"
    )
    assert Decimal(0) <= discount <= plan.price
    assert total == (price - discount + tax if added and rate else price - discount)
    assert all(v == v.quantize(Decimal("0.01")) for v in (discount, tax, total))


@given(
    start=starts,
    unit=units,
    count=st.integers(1, 3),
    cycle_count=st.integers(0, 12),
    trial=st.one_of(st.none(), st.integers(1, 60)),
    hint=st.one_of(st.none(), st.integers(0, 14)),
    pause=st.one_of(st.none(), st.tuples(st.integers(0, 300), st.integers(1, 90))),
    elapsed=st.integers(0, 5000),
)
def test_the_current_cycle_is_the_last_cycle_so_far(
    start, unit, count, cycle_count, trial, hint, pause, elapsed
):
    # given any order, with or without a trial, a pause or a (possibly stale) stored index
    order = monthly(start, unit, count, trial)
    order.cycle_count = cycle_count
    order.current_cycle_index = hint
    order.end_date = schedule.planned_end(order)
    order._state.adding = False  # a stored order: its pause periods count
    periods = []
    if pause is not None:
        paused_at = start + timedelta(days=pause[0])
        periods.append(
            PausePeriod(
                status="ENDED",
                pause_date=paused_at,
                resume_date=paused_at + timedelta(days=pause[1]),
            )
        )
    schedule.pauses_set(order, periods)
    at = start + timedelta(days=elapsed, hours=7)
    # when the order is rendered, which takes the current cycle from the list of cycles
    cycles = schedule.order_cycles(order, at)
    # then it is the cycle the schedule finds running at that moment
    assert schedule.current_of(order, cycles, at) == schedule.current_cycle(order, at)
