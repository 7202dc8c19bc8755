"""Cycle boundaries: anchored, month ends clamped, trial shifts the anchor, pauses shift later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from orders.models import Order, PausePeriod, PeriodUnit, PricingModel
from orders.services import schedule


def subscription(start, *, unit=PeriodUnit.MONTH, cycles=0, trial=None, count=1) -> Order:
    order = Order(
        status="ACTIVE",
        pricing_model=PricingModel.SUBSCRIPTION,
        duration_unit=unit,
        duration_count=count,
        cycle_count=cycles,
        free_trial_days=trial,
        start_date=start,
    )
    order.end_date = schedule.planned_end(order)
    return order


def jan31() -> datetime:
    return datetime(2026, 1, 31, 9, 0, tzinfo=UTC)


def test_month_end_is_clamped_from_the_anchor_without_drift():
    # given an order started on January 31st
    order = subscription(jan31(), cycles=3)
    # when its cycles are computed after three months
    cycles = schedule.order_cycles(order, datetime(2026, 6, 1, tzinfo=UTC))
    # then February ends on the 28th and March again on the 31st
    ends = [c.ended_date.date().isoformat() for c in cycles]
    assert ends == ["2026-02-28", "2026-03-31", "2026-04-30"]


def test_leap_year_february_ends_on_the_29th():
    order = subscription(datetime(2028, 1, 31, tzinfo=UTC), cycles=2)
    cycles = schedule.order_cycles(order, datetime(2028, 4, 1, tzinfo=UTC))
    assert cycles[0].ended_date.date().isoformat() == "2028-02-29"
    assert cycles[1].ended_date.date().isoformat() == "2028-03-31"


def test_free_trial_is_cycle_zero_and_shifts_the_anchor():
    # given a monthly plan with a 10-day trial, started on January 31st
    order = subscription(jan31(), trial=10)
    # when the cycles are computed a month and a half later
    cycles = schedule.order_cycles(order, datetime(2026, 3, 15, tzinfo=UTC))
    # then cycle 0 is the trial and paid cycles count from its end
    assert [c.index for c in cycles] == [0, 1, 2]
    assert cycles[0].ended_date == jan31() + timedelta(days=10)
    assert cycles[1].started_date == datetime(2026, 2, 10, 9, tzinfo=UTC)
    assert cycles[1].ended_date == datetime(2026, 3, 10, 9, tzinfo=UTC)


def test_pause_shifts_every_later_boundary_by_the_paused_time():
    # given a monthly order paused for five days in its first cycle
    order = subscription(datetime(2026, 1, 1, tzinfo=UTC), cycles=3)
    pause = PausePeriod(
        status="ENDED",
        pause_date=datetime(2026, 1, 10, tzinfo=UTC),
        resume_date=datetime(2026, 1, 15, tzinfo=UTC),
    )
    # when the boundaries are computed
    pauses = [pause]
    first = schedule.boundary(order, 1, pauses, datetime(2026, 5, 1, tzinfo=UTC))
    second = schedule.boundary(order, 2, pauses, datetime(2026, 5, 1, tzinfo=UTC))
    # then both move by five days, and the boundary before the pause does not
    assert first == datetime(2026, 2, 6, tzinfo=UTC)
    assert second == datetime(2026, 3, 6, tzinfo=UTC)
    assert schedule.boundary(order, 0, pauses, datetime(2026, 5, 1, tzinfo=UTC)) == order.start_date


def test_open_pause_holds_the_boundary_ahead_of_now():
    order = subscription(datetime(2026, 1, 1, tzinfo=UTC))
    pause = PausePeriod(status="ACTIVE", pause_date=datetime(2026, 1, 20, tzinfo=UTC))
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert schedule.boundary(order, 1, [pause], now) > now


def test_weekly_and_yearly_cycles_add_whole_units():
    weekly = subscription(jan31(), unit=PeriodUnit.WEEK, count=2)
    yearly = subscription(datetime(2028, 2, 29, tzinfo=UTC), unit=PeriodUnit.YEAR)
    assert schedule.boundary(weekly, 1, [], jan31()) == jan31() + timedelta(weeks=2)
    assert schedule.boundary(yearly, 1, [], jan31()).date().isoformat() == "2029-02-28"
    assert schedule.boundary(yearly, 4, [], jan31()).date().isoformat() == "2032-02-29"


def test_single_payment_for_duration_is_one_cycle_ending_at_the_end_date():
    order = Order(
        status="ACTIVE",
        pricing_model=PricingModel.SINGLE_PAYMENT_FOR_DURATION,
        duration_unit=PeriodUnit.MONTH,
        duration_count=3,
        start_date=jan31(),
    )
    order.end_date = schedule.planned_end(order)
    (cycle,) = schedule.order_cycles(order, jan31() + timedelta(days=1))
    assert (cycle.index, cycle.ended_date.date().isoformat()) == (1, "2026-04-30")


def test_no_cycles_before_the_start_and_no_current_cycle_after_the_end():
    order = subscription(jan31(), cycles=1)
    assert schedule.order_cycles(order, jan31() - timedelta(days=1)) == []
    assert schedule.current_cycle(order, jan31() + timedelta(days=40)) is None
