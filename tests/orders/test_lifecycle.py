"""Pause, resume, postpone, cancel, request cancellation, mark as paid, end: each rule, each
refusal with its stable code, and the query budget of each call."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.actors import Actor
from orders.errors import IllegalTransition, OrderNotFound
from orders.models import Order, OrderEvent, OrderTimelineEntry
from orders.services import lifecycle
from orders.services.clock import clock_run
from tests.orders.conftest import refreshed


@pytest.fixture
def as_owner(owner):
    return Actor.owner(owner)


def snapshot(order: Order) -> tuple:
    """Everything a refused call must leave untouched."""
    fresh = Order.objects.get(pk=order.pk)
    return (
        {f.attname: getattr(fresh, f.attname) for f in Order._meta.concrete_fields},
        OrderEvent.objects.filter(order=order).count(),
        OrderTimelineEntry.objects.filter(order=order).count(),
        list(fresh.pause_periods.values_list("status", "resume_date")),
    )


def refused(call, order: Order) -> str:
    """Run a call that must be refused; return its code after checking nothing changed."""
    before = snapshot(order)
    with pytest.raises(IllegalTransition) as error:
        call()
    assert error.value.status == 409
    assert snapshot(order) == before
    return error.value.code


def slugs_after(order: Order, sequence: int) -> list[str]:
    events = OrderEvent.objects.filter(order=order, sequence__gt=sequence).order_by("sequence")
    return list(events.values_list("slug", flat=True))


# -- pause ----------------------------------------------------------------------------------


def test_pause_makes_an_active_order_paused_with_an_open_period(clock, online_order, as_owner):
    # given an active order
    order = online_order()
    # when the owner pauses it
    paused = lifecycle.order_pause(order.pk, actor=as_owner)
    # then it is paused with one open pause period, and the clock leaves it alone
    assert paused.status == "PAUSED"
    (period,) = paused.pause_periods.all()
    assert (period.status, period.pause_date, period.resume_date) == ("ACTIVE", clock.now, None)
    assert paused.next_transition_at is None
    assert slugs_after(order, order.last_event_sequence) == ["updated", "paused"]


def test_it_refuses_pause_when_pending(clock, offline_order, as_owner):
    order = offline_order(start=clock.now + timedelta(days=2))
    code = refused(lambda: lifecycle.order_pause(order.pk, actor=as_owner), order)
    assert code == "ORDER_NOT_ACTIVE"


def test_it_refuses_pause_of_a_draft(clock, online_order, as_owner):
    order = online_order(pay=False)
    assert refused(lambda: lifecycle.order_pause(order.pk, actor=as_owner), order) == (
        "ORDER_NOT_ACTIVE"
    )


def test_it_refuses_pause_twice(clock, online_order, as_owner):
    order = online_order()
    lifecycle.order_pause(order.pk, actor=as_owner)
    assert refused(lambda: lifecycle.order_pause(order.pk, actor=as_owner), order) == (
        "ORDER_NOT_ACTIVE"
    )


def test_it_refuses_pause_during_the_free_trial(clock, online_order, as_owner):
    order = online_order(free_trial_days=7)
    code = refused(lambda: lifecycle.order_pause(order.pk, actor=as_owner), order)
    assert code == "ORDER_IN_FREE_TRIAL"


# -- resume ---------------------------------------------------------------------------------


def test_resume_extends_end_date_by_paused_time(clock, online_order, as_owner):
    # given a 3-month order paused for 10 days
    order = online_order(cycle_count=3)
    end, earliest = order.end_date, order.earliest_end_date
    lifecycle.order_pause(order.pk, actor=as_owner)
    clock.advance(days=10)
    # when it is resumed
    resumed = lifecycle.order_resume(order.pk, actor=as_owner)
    # then it is active and both end dates moved by 10 days; the pause period is closed
    assert resumed.status == "ACTIVE"
    assert resumed.end_date == end + timedelta(days=10)
    assert resumed.earliest_end_date == earliest + timedelta(days=10)
    (period,) = refreshed(order).pause_periods.all()
    assert (period.status, period.resume_date) == ("ENDED", clock.now)


def test_resume_moves_the_next_payment_by_paused_time(clock, online_order, as_owner):
    order = online_order()
    due = order.next_transition_at
    lifecycle.order_pause(order.pk, actor=as_owner)
    clock.advance(days=4)
    assert lifecycle.order_resume(order.pk, actor=as_owner).next_transition_at == due + timedelta(4)


def test_it_refuses_resume_when_active(clock, online_order, as_owner):
    order = online_order()
    code = refused(lambda: lifecycle.order_resume(order.pk, actor=as_owner), order)
    assert code == "ORDER_NOT_PAUSED"


# -- postpone -------------------------------------------------------------------------------


def test_postpone_moves_the_end_date_later(clock, online_order, as_owner):
    order = online_order(cycle_count=2)
    later = order.end_date + timedelta(days=30)
    postponed = lifecycle.order_postpone_end_date(order.pk, end_date=later, actor=as_owner)
    assert postponed.end_date == later
    assert postponed.postponed_total == timedelta(days=30)
    assert slugs_after(order, order.last_event_sequence) == ["updated", "end_date_postponed"]


def test_postpone_does_not_add_payments(clock, online_order, as_owner):
    order = online_order(cycle_count=1)
    lifecycle.order_postpone_end_date(
        order.pk, end_date=order.end_date + timedelta(days=30), actor=as_owner
    )
    clock.advance(days=70)
    clock_run()
    assert refreshed(order).status == "ENDED"
    assert order.invoices.count() == 1


def test_it_refuses_postpone_to_an_earlier_date(clock, online_order, as_owner):
    order = online_order(cycle_count=2)
    earlier = order.end_date - timedelta(days=1)
    code = refused(
        lambda: lifecycle.order_postpone_end_date(order.pk, end_date=earlier, actor=as_owner), order
    )
    assert code == "END_DATE_NOT_LATER"


def test_it_refuses_postpone_to_the_same_date(clock, online_order, as_owner):
    order = online_order(cycle_count=2)
    same = order.end_date
    code = refused(
        lambda: lifecycle.order_postpone_end_date(order.pk, end_date=same, actor=as_owner), order
    )
    assert code == "END_DATE_NOT_LATER"


def test_it_refuses_postpone_of_an_unlimited_order(clock, online_order, as_owner):
    order = online_order(cycle_count=0)
    code = refused(
        lambda: lifecycle.order_postpone_end_date(
            order.pk, end_date=clock.now + timedelta(days=999), actor=as_owner
        ),
        order,
    )
    assert code == "ORDER_HAS_NO_END_DATE"


def test_it_refuses_postpone_when_paused(clock, online_order, as_owner):
    order = online_order(cycle_count=2)
    lifecycle.order_pause(order.pk, actor=as_owner)
    later = order.end_date + timedelta(days=5)
    code = refused(
        lambda: lifecycle.order_postpone_end_date(order.pk, end_date=later, actor=as_owner), order
    )
    assert code == "ORDER_IS_PAUSED"


# -- cancel ---------------------------------------------------------------------------------


def test_cancel_immediately_ends_the_order_now(clock, online_order, as_owner):
    # given an active order
    order = online_order()
    # when the owner cancels it immediately
    canceled = lifecycle.order_cancel(order.pk, effective_at="IMMEDIATELY", actor=as_owner)
    # then it is canceled now, by the owner, and the events say canceled and ended
    assert (canceled.status, canceled.end_date) == ("CANCELED", clock.now)
    assert (canceled.cancellation_cause, canceled.cancellation_effective_at) == (
        "OWNER_ACTION",
        "IMMEDIATELY",
    )
    assert canceled.cancellation_requested_date == clock.now
    assert canceled.next_transition_at is None
    assert slugs_after(order, order.last_event_sequence) == ["updated", "canceled", "ended"]


def test_request_cancellation_by_the_member_records_member_action(clock, member, online_order):
    order = online_order()
    canceled = lifecycle.order_cancel(
        order.pk, effective_at="IMMEDIATELY", actor=Actor.member(member), buyer=member
    )
    assert canceled.cancellation_cause == "MEMBER_ACTION"


def test_cancel_at_next_payment_date_keeps_the_plan_until_the_cycle_ends(
    clock, online_order, as_owner
):
    # given an active monthly order that renews
    order = online_order()
    next_payment = order.next_transition_at
    # when it is canceled at the next payment date
    scheduled = lifecycle.order_cancel(order.pk, effective_at="NEXT_PAYMENT_DATE", actor=as_owner)
    # then it stays active until then, set not to renew
    assert (scheduled.status, scheduled.end_date) == ("ACTIVE", next_payment)
    assert scheduled.auto_renew_canceled is True
    assert slugs_after(order, order.last_event_sequence) == ["updated", "auto_renew_canceled"]
    # and when the date comes it is canceled without another charge
    clock.set(next_payment)
    clock_run()
    done = refreshed(order)
    assert (done.status, done.end_date) == ("CANCELED", next_payment)
    assert done.invoices.count() == 1


def test_cancel_at_next_payment_date_during_trial_is_never_billed(clock, online_order, as_owner):
    order = online_order(free_trial_days=14)
    scheduled = lifecycle.order_cancel(order.pk, effective_at="NEXT_PAYMENT_DATE", actor=as_owner)
    assert scheduled.end_date == clock.now + timedelta(days=14)
    clock.advance(days=15)
    clock_run()
    done = refreshed(order)
    assert done.status == "CANCELED"
    assert not done.payments.filter(amount__gt=0).exists()


def test_it_refuses_next_payment_date_on_a_one_time_order(
    clock, online_order, one_time_plan, as_owner
):
    order = online_order(plan=one_time_plan)
    code = refused(
        lambda: lifecycle.order_cancel(order.pk, effective_at="NEXT_PAYMENT_DATE", actor=as_owner),
        order,
    )
    assert code == "NEXT_PAYMENT_DATE_NOT_ALLOWED_FOR_ONE_TIME_ORDER"


def test_one_time_order_can_be_canceled_immediately(clock, online_order, one_time_plan, as_owner):
    order = online_order(plan=one_time_plan)
    assert lifecycle.order_cancel(order.pk, effective_at="IMMEDIATELY", actor=as_owner).status == (
        "CANCELED"
    )


def test_it_refuses_scheduling_a_cancellation_twice(clock, online_order, as_owner):
    order = online_order()
    lifecycle.order_cancel(order.pk, effective_at="NEXT_PAYMENT_DATE", actor=as_owner)
    code = refused(
        lambda: lifecycle.order_cancel(order.pk, effective_at="NEXT_PAYMENT_DATE", actor=as_owner),
        order,
    )
    assert code == "CANCELLATION_ALREADY_SCHEDULED"


def test_it_refuses_cancel_of_a_canceled_order(clock, online_order, as_owner):
    order = online_order()
    lifecycle.order_cancel(order.pk, effective_at="IMMEDIATELY", actor=as_owner)
    code = refused(
        lambda: lifecycle.order_cancel(order.pk, effective_at="IMMEDIATELY", actor=as_owner), order
    )
    assert code == "ORDER_ALREADY_ENDED"


def test_cancel_of_a_paused_order_closes_its_pause(clock, online_order, as_owner):
    order = online_order()
    lifecycle.order_pause(order.pk, actor=as_owner)
    clock.advance(days=2)
    lifecycle.order_cancel(order.pk, effective_at="IMMEDIATELY", actor=as_owner)
    (period,) = refreshed(order).pause_periods.all()
    assert (period.status, period.resume_date) == ("ENDED", clock.now)


def test_cancel_of_a_draft_emits_no_ended_event(clock, online_order, as_owner):
    order = online_order(pay=False)
    lifecycle.order_cancel(order.pk, effective_at="IMMEDIATELY", actor=as_owner)
    assert slugs_after(order, order.last_event_sequence) == ["updated", "canceled"]


# -- mark as paid ---------------------------------------------------------------------------


def test_mark_as_paid_pays_an_offline_order(clock, offline_order, as_owner):
    order = offline_order()
    paid = lifecycle.order_mark_paid(order.pk, actor=as_owner)
    assert (paid.last_payment_status, paid.status) == ("PAID", "ACTIVE")
    assert order.invoices.get().status == "PAID"
    assert order.payments.get().method == "OFFLINE"
    assert slugs_after(order, order.last_event_sequence) == ["updated", "marked_as_paid"]


def test_mark_as_paid_keeps_a_future_offline_order_pending(clock, offline_order, as_owner):
    order = offline_order(start=clock.now + timedelta(days=5))
    assert lifecycle.order_mark_paid(order.pk, actor=as_owner).status == "PENDING"


def test_it_refuses_mark_as_paid_of_an_online_order(clock, online_order, as_owner):
    order = online_order()
    code = refused(lambda: lifecycle.order_mark_paid(order.pk, actor=as_owner), order)
    assert code == "ONLINE_ORDER_CANNOT_BE_MARKED_PAID"


def test_it_refuses_mark_as_paid_twice(clock, offline_order, as_owner):
    order = offline_order()
    lifecycle.order_mark_paid(order.pk, actor=as_owner)
    assert refused(lambda: lifecycle.order_mark_paid(order.pk, actor=as_owner), order) == (
        "ORDER_ALREADY_PAID"
    )


def test_it_refuses_mark_as_paid_of_a_free_order(clock, offline_order, as_owner):
    order = offline_order(price="0")
    assert refused(lambda: lifecycle.order_mark_paid(order.pk, actor=as_owner), order) == (
        "ORDER_IS_FREE"
    )


# -- end now --------------------------------------------------------------------------------


def test_end_now_ends_without_a_cancellation(clock, online_order, as_owner):
    order = online_order()
    ended = lifecycle.order_end_now(order.pk, actor=as_owner, reason="upgraded")
    assert (ended.status, ended.end_date, ended.cancellation_cause) == ("ENDED", clock.now, "")
    entry = order.timeline.order_by("id").last()
    assert (entry.action, entry.reason) == ("ended", "upgraded")


def test_it_refuses_end_now_of_an_ended_order(clock, online_order, as_owner):
    order = online_order()
    lifecycle.order_end_now(order.pk, actor=as_owner, reason="")
    code = refused(lambda: lifecycle.order_end_now(order.pk, actor=as_owner, reason=""), order)
    assert code == "ORDER_ALREADY_ENDED"


# -- who may touch which order --------------------------------------------------------------


def test_member_cannot_touch_another_members_order(clock, online_order, other_member):
    order = online_order()
    with pytest.raises(OrderNotFound) as missing:
        lifecycle.order_cancel(
            order.pk,
            effective_at="IMMEDIATELY",
            actor=Actor.member(other_member),
            buyer=other_member,
        )
    assert (missing.value.code, missing.value.status) == ("ORDER_NOT_FOUND", 404)
    assert refreshed(order).status == "ACTIVE"


@pytest.mark.parametrize("order_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", None])
def test_unknown_order_is_not_found(db, as_owner, order_id):
    with pytest.raises(OrderNotFound):
        lifecycle.order_pause(order_id, actor=as_owner)


def test_every_change_is_on_the_timeline_with_its_actor(clock, online_order, owner, as_owner):
    order = online_order()
    lifecycle.order_pause(order.pk, actor=as_owner)
    entry = order.timeline.order_by("id").last()
    assert (entry.actor_kind, entry.actor_id, entry.action) == ("OWNER", str(owner.pk), "paused")
    assert (entry.status_before, entry.status_after, entry.at) == ("ACTIVE", "PAUSED", clock.now)


# -- query budgets --------------------------------------------------------------------------


def test_pause_and_resume_each_run_at_most_ten_queries(
    clock, online_order, as_owner, django_assert_max_num_queries
):
    order = online_order()
    with django_assert_max_num_queries(10):
        lifecycle.order_pause(order.pk, actor=as_owner)
    with django_assert_max_num_queries(10):
        lifecycle.order_resume(order.pk, actor=as_owner)


def test_mark_as_paid_runs_at_most_ten_queries(
    clock, offline_order, as_owner, django_assert_max_num_queries
):
    order = offline_order()
    with django_assert_max_num_queries(10):
        lifecycle.order_mark_paid(order.pk, actor=as_owner)


@pytest.mark.parametrize("effective_at", ["IMMEDIATELY", "NEXT_PAYMENT_DATE"])
def test_cancel_runs_at_most_ten_queries(
    clock, online_order, as_owner, django_assert_max_num_queries, effective_at
):
    order = online_order()
    with django_assert_max_num_queries(10):
        lifecycle.order_cancel(order.pk, effective_at=effective_at, actor=as_owner)


def test_cancel_of_a_paused_order_runs_at_most_ten_queries(
    clock, online_order, as_owner, django_assert_max_num_queries
):
    order = online_order()
    lifecycle.order_pause(order.pk, actor=as_owner)
    with django_assert_max_num_queries(10):
        lifecycle.order_cancel(order.pk, effective_at="IMMEDIATELY", actor=as_owner)
