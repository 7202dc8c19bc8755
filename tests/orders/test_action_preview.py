"""The action preview answers with the same rules as the services, and changes nothing."""

from __future__ import annotations

from datetime import timedelta

from accounts.actors import Actor
from orders.models import OrderEvent
from orders.services import lifecycle
from orders.services.preview import order_action_preview
from tests.orders.conftest import refreshed


def test_preview_of_pause_is_allowed_and_stores_nothing(clock, online_order):
    order = online_order()
    events = OrderEvent.objects.count()
    preview = order_action_preview(order, "pause")
    assert (preview.allowed, preview.status_after) == (True, "PAUSED")
    assert refreshed(order).status == "ACTIVE"
    assert OrderEvent.objects.count() == events
    assert order.pause_periods.count() == 0


def test_preview_refuses_with_the_services_reason(clock, online_order):
    order = online_order()
    preview = order_action_preview(order, "resume")
    assert (preview.allowed, preview.code) == (False, "ORDER_NOT_PAUSED")
    assert preview.reason == "Only a paused order can be resumed."


def test_preview_of_resume_shows_the_later_end_date(clock, online_order, owner):
    order = online_order(cycle_count=3)
    lifecycle.order_pause(order.pk, actor=Actor.owner(owner))
    clock.advance(days=6)
    preview = order_action_preview(refreshed(order), "resume")
    assert preview.end_date_after == order.end_date + timedelta(days=6)
    assert refreshed(order).pause_periods.get().resume_date is None


def test_preview_of_cancel_at_next_payment_date_shows_when(clock, online_order):
    order = online_order()
    preview = order_action_preview(order, "cancel_at_next_payment")
    assert (preview.status_after, preview.cancel_date) == ("ACTIVE", order.next_transition_at)


def test_preview_of_postpone_checks_the_date(clock, online_order):
    order = online_order(cycle_count=2)
    early = order_action_preview(order, "postpone_end_date", end_date=order.end_date)
    late = order_action_preview(
        order, "postpone_end_date", end_date=order.end_date + timedelta(days=1)
    )
    assert (early.allowed, early.code, late.allowed) == (False, "END_DATE_NOT_LATER", True)


def test_preview_of_mark_paid_on_an_online_order_is_refused(clock, online_order):
    preview = order_action_preview(online_order(), "mark_paid")
    assert preview.code == "ONLINE_ORDER_CANNOT_BE_MARKED_PAID"
