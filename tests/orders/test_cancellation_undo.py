"""Undoing a cancellation scheduled for the next payment date, before it takes effect."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.actors import Actor
from orders.errors import IllegalTransition
from orders.models import OrderStatus
from orders.services.clock import clock_run
from orders.services.lifecycle import order_cancel, order_cancellation_undo, order_postpone_end_date
from orders.services.preview import order_action_preview
from tests.orders.conftest import refreshed

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled(clock, online_order, member):
    """A 12-month subscription canceled at its next payment date by its member."""
    order = online_order(cycle_count=12)
    order_cancel(order.pk, effective_at="NEXT_PAYMENT_DATE", actor=Actor.member(member))
    return refreshed(order)


def test_undo_restores_renewal_and_the_end_date_as_bought(clock, scheduled, member):
    # given a cancellation scheduled for 15 Feb
    assert scheduled.end_date == clock.now + timedelta(days=31)
    # when the member undoes it
    order = order_cancellation_undo(scheduled.pk, actor=Actor.member(member), buyer=member)
    # then the order renews again and ends after its 12 cycles
    order = refreshed(order)
    assert order.auto_renew_canceled is False
    assert order.cancellation_cause == ""
    assert order.cancellation_effective_at == ""
    assert order.end_date == order.planned_end_date
    assert order.next_transition_at == clock.now + timedelta(days=31)


def test_undo_keeps_a_postponed_end_date(clock, online_order, member, owner):
    order = online_order(cycle_count=12)
    later = order.end_date + timedelta(days=10)
    order_postpone_end_date(order.pk, end_date=later, actor=Actor.owner(owner))
    order_cancel(order.pk, effective_at="NEXT_PAYMENT_DATE", actor=Actor.member(member))
    order_cancellation_undo(order.pk, actor=Actor.member(member))
    assert refreshed(order).end_date == later


def test_undo_of_an_order_renewing_until_canceled_leaves_no_end_date(clock, online_order, member):
    order = online_order()
    order_cancel(order.pk, effective_at="NEXT_PAYMENT_DATE", actor=Actor.member(member))
    order_cancellation_undo(order.pk, actor=Actor.member(member))
    assert refreshed(order).end_date is None


def test_undo_is_on_the_timeline_with_the_event_updated(clock, scheduled, member):
    events_before = scheduled.events.count()
    order_cancellation_undo(scheduled.pk, actor=Actor.member(member))
    entry = scheduled.timeline.order_by("-id").first()
    assert (entry.action, entry.actor_kind) == ("cancellation_undone", "MEMBER")
    new_events = list(scheduled.events.order_by("sequence")[events_before:])
    assert [e.slug for e in new_events] == ["updated"]


def test_the_clock_renews_an_order_whose_cancellation_was_undone(clock, scheduled, member):
    order_cancellation_undo(scheduled.pk, actor=Actor.member(member))
    clock.advance(days=32)
    clock_run()
    order = refreshed(scheduled)
    assert (order.status, order.current_cycle_index) == (OrderStatus.ACTIVE, 2)


def test_it_refuses_undo_without_a_scheduled_cancellation(clock, online_order, member):
    order = online_order(cycle_count=12)
    with pytest.raises(IllegalTransition) as refusal:
        order_cancellation_undo(order.pk, actor=Actor.member(member))
    assert refusal.value.code == "NO_CANCELLATION_SCHEDULED"


def test_it_refuses_undo_once_the_cancellation_took_effect(clock, scheduled, member):
    clock.advance(days=32)
    clock_run()
    with pytest.raises(IllegalTransition) as refusal:
        order_cancellation_undo(scheduled.pk, actor=Actor.member(member))
    assert refusal.value.code == "ORDER_ALREADY_ENDED"
    assert refreshed(scheduled).status == OrderStatus.CANCELED


def test_it_refuses_undo_of_an_immediate_cancellation(clock, online_order, member):
    order = online_order(cycle_count=12)
    order_cancel(order.pk, effective_at="IMMEDIATELY", actor=Actor.member(member))
    with pytest.raises(IllegalTransition):
        order_cancellation_undo(order.pk, actor=Actor.member(member))


def test_undo_preview_agrees_with_the_service(clock, scheduled, online_order):
    assert order_action_preview(scheduled, "undo_cancellation").allowed
    assert not order_action_preview(online_order(), "undo_cancellation").allowed
