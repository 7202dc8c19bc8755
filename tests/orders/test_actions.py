"""The declaration of order actions is the one source: its allowed statuses are exactly what its
check accepts, and every interface that changes an order resolves to one of its entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import given
from hypothesis import strategies as st

from accounts.actors import Actor
from orders import actions
from orders.actions import ACTIONS, OrderAction
from orders.admin import actions as admin_actions
from orders.errors import IllegalTransition
from orders.models import (
    CancellationCause,
    Invoice,
    Order,
    OrderStatus,
    OrderType,
    PaymentStatus,
    PricingModel,
)
from orders.services import lifecycle

END = datetime(2031, 1, 1, tzinfo=UTC)


def favourable(status: str, action: OrderAction | None = None) -> Order:
    """An order ``action``'s guard accepts, whatever its status: only the status can refuse
    it. Undoing a cancellation needs one scheduled; every other guard wants none."""
    scheduled = action is actions.UNDO_CANCELLATION
    return Order(
        status=status,
        type=OrderType.OFFLINE,
        pricing_model=PricingModel.SUBSCRIPTION,
        current_cycle_index=1,
        planned_end_date=END,
        end_date=END,
        cancellation_cause=CancellationCause.MEMBER_ACTION if scheduled else "",
        cancellation_effective_at="NEXT_PAYMENT_DATE" if scheduled else "",
        auto_renew_canceled=scheduled,
        last_payment_status=PaymentStatus.UNPAID,
    )


def arguments(action: OrderAction) -> dict:
    given_args = {
        "end_date": END + timedelta(days=1),
        "start_date": END + timedelta(days=1),
        "invoice": Invoice(status=Invoice.Status.ISSUED),
        "reason": "",
    }
    return {name: given_args[name] for name in action.args}


def accepts(action: OrderAction, order: Order, **args) -> bool:
    try:
        action.check(order, **args)
    except IllegalTransition:
        return False
    return True


statuses = st.sampled_from(OrderStatus.values)
orders = st.builds(
    Order,
    status=statuses,
    type=st.sampled_from(OrderType.values),
    pricing_model=st.sampled_from(PricingModel.values),
    current_cycle_index=st.sampled_from([None, 0, 1, 5]),
    planned_end_date=st.sampled_from([None, END]),
    end_date=st.sampled_from([None, END]),
    cancellation_cause=st.sampled_from(["", *CancellationCause.values]),
    auto_renew_canceled=st.sampled_from([None, False, True]),
    last_payment_status=st.sampled_from(PaymentStatus.values),
)


@given(action=st.sampled_from(ACTIONS), status=statuses)
def test_allowed_statuses_are_exactly_those_the_check_accepts(action, status):
    order = favourable(status, action)
    assert accepts(action, order, **arguments(action)) == (status in action.allowed)


@given(action=st.sampled_from(ACTIONS), order=orders, days=st.integers(-3, 3))
def test_no_order_outside_the_allowed_statuses_passes_the_check(action, order, days):
    args = arguments(action)
    if "end_date" in args:
        args["end_date"] = END + timedelta(days=days)
    try:
        action.check(order, **args)
    except IllegalTransition as refusal:
        if order.status not in action.allowed:
            assert refusal.code == action.refusal_for(order.status)
    else:
        assert order.status in action.allowed


def test_allowed_table_is_read_from_the_entries():
    assert actions.ALLOWED == {action.name: action.allowed for action in ACTIONS}
    assert len(actions.BY_NAME) == len(ACTIONS)


def test_every_admin_action_is_a_declared_action():
    offered = {run.__name__ for run in admin_actions.ORDER_ACTIONS}
    assert offered == {action.name for action in ACTIONS if action.admin}


def test_every_member_button_is_a_declared_action_with_its_wording():
    for action in actions.member_actions():
        assert action in ACTIONS
        assert action.labels.member and action.labels.member_done


def test_cancel_effective_at_names_a_declared_action_each():
    assert set(actions.CANCEL_BY_EFFECTIVE_AT.values()) <= set(ACTIONS)


def _views(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _views(entry, route)
        elif isinstance(entry, URLPattern) and hasattr(entry.callback, "view_class"):
            yield route, entry.callback.view_class


def test_every_api_call_that_changes_an_order_resolves_to_declared_actions():
    changing = {
        route: view
        for route, view in _views(get_resolver())
        if ("order_id" in route or "invoice_id" in route) and ({"post", "patch"} & set(dir(view)))
    }
    assert changing, "no order-changing API view found"
    for route, view in changing.items():
        declared = getattr(view, "declared_actions", ())
        assert declared, f"{route} names no declared action"
        assert set(declared) <= set(ACTIONS), route


@pytest.mark.parametrize("action", [a for a in ACTIONS if a.admin], ids=lambda a: a.name)
def test_every_admin_action_writes_its_declared_timeline_entry(
    action, clock, online_order, offline_order, owner
):
    # given an order the action applies to
    if action is actions.MARK_PAID:
        order = offline_order()
    else:  # a draft (unpaid) for changing the start date, else paid and active
        order = online_order(cycle_count=3, pay=action is not actions.CHANGE_START_DATE)
    if action is actions.RESUME:
        lifecycle.order_pause(order.pk, actor=Actor.owner(owner))
    # when
    lifecycle.order_act(action, order.pk, actor=Actor.owner(owner), **arguments(action))
    # then
    assert order.timeline.order_by("id").last().action == action.labels.timeline


def test_guard_mark_paid_refuses_a_draft_by_its_status():
    with pytest.raises(IllegalTransition) as refused:
        actions.MARK_PAID.check(favourable(OrderStatus.DRAFT))
    assert refused.value.code == "ONLINE_ORDER_CANNOT_BE_MARKED_PAID"
