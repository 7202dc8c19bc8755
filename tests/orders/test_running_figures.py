"""The running figures the database keeps for the dashboard equal a count from the orders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.actors import Actor
from config.errors import DomainError
from orders.dashboard import running
from orders.models import Order, PricingModel, RunningChange
from orders.services import lifecycle
from orders.services.checkout import order_create_offline
from orders.services.clock import clock_run
from tests.conftest import make_member

pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

PLANS = [
    {"price": "10.00"},
    {"price": "120.00", "duration_unit": "YEAR", "free_trial_days": 7},
    {"price": "5.00", "duration_unit": "WEEK", "cycle_count": 3},
    {"price": "25.00", "pricing_model": PricingModel.SINGLE_PAYMENT_FOR_DURATION},
    {"price": "300.00", "pricing_model": PricingModel.SINGLE_PAYMENT_UNLIMITED},
    {"price": "0", "currency": "USD"},
]

orders_ = st.integers(0, 7)  # the n-th order (modulo how many there are)
steps = st.one_of(
    st.tuples(
        st.just("buy"), st.integers(0, len(PLANS) - 1), st.integers(0, 2), st.integers(0, 20)
    ),
    st.tuples(st.just("pause"), orders_),
    st.tuples(st.just("resume"), orders_),
    st.tuples(st.just("cancel"), orders_, st.sampled_from(["IMMEDIATELY", "NEXT_PAYMENT_DATE"])),
    st.tuples(st.just("end"), orders_),
    st.tuples(st.just("days"), st.integers(1, 120)),
    st.tuples(st.just("reprice"), orders_, st.integers(0, 50)),
    st.tuples(st.just("give"), orders_, st.integers(0, 2)),
    st.tuples(st.just("fold")),
)


def apply(step: tuple, plans: list, members: list, owner, clock) -> None:
    """One step of a history: a service call, the clock, a write by hand, or a fold."""
    kind, *args = step
    mine = list(Order.objects.order_by("created_date", "pk"))
    actor = Actor.owner(owner)
    if kind == "buy":
        plan, buyer, later = args
        start = clock.now + timedelta(days=later) if later > 10 else None
        order_create_offline(plan=plans[plan], buyer=members[buyer], actor=actor, start_date=start)
    elif kind == "days":
        clock.advance(days=args[0])
        clock_run()
    elif kind == "fold":
        running.fold()
    elif mine:
        order = mine[args[0] % len(mine)]
        try:
            by_hand(kind, order, args[1:], members, actor)
        except DomainError:
            pass  # not allowed in the order's state: the history goes on without it


def by_hand(kind: str, order: Order, args: list, members: list, actor: Actor) -> None:
    if kind == "pause":
        lifecycle.order_pause(order.pk, actor=actor)
    elif kind == "resume":
        lifecycle.order_resume(order.pk, actor=actor)
    elif kind == "cancel":
        lifecycle.order_cancel(order.pk, effective_at=args[0], actor=actor)
    elif kind == "end":
        lifecycle.order_end_now(order.pk, actor=actor, reason="replaced")
    elif kind == "reprice":  # SQL by hand (a restore, a fix): the triggers see it too
        Order.objects.filter(pk=order.pk).update(total=Decimal(args[0]) + Decimal("0.125"))
    elif kind == "give":
        Order.objects.filter(pk=order.pk).update(buyer=members[args[0]])


@pytest.fixture
def history(db, plan_factory, owner):
    plans = [plan_factory(**fields) for fields in PLANS]
    members = [make_member(f"runner{i}") for i in range(3)]
    return plans, members, owner


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history_steps=st.lists(steps, max_size=14))
def test_kept_running_figures_equal_a_count_from_the_orders_after_any_history(
    history, clock, history_steps
):
    plans, members, owner = history
    with transaction.atomic():
        clock.set(START)
        for step in history_steps:
            apply(step, plans, members, owner, clock)
            assert running.maintained() == running.recomputed(), step
        transaction.set_rollback(True)


def test_a_renewal_writes_nothing_to_the_running_log(history, clock):
    # given: a monthly order, its changes folded
    plans, members, owner = history
    clock.set(START)
    order_create_offline(plan=plans[0], buyer=members[0], actor=Actor.owner(owner))
    running.fold()
    # when: the clock renews it three times
    clock.advance(days=95)
    clock_run()
    # then: the renewals happened, and the log is still empty
    assert Order.objects.get().current_cycle_index == 4
    assert not RunningChange.objects.exists()


def test_the_log_is_folded_once_it_grows_long(history, clock, monkeypatch):
    plans, members, owner = history
    monkeypatch.setattr(running, "FOLD_AFTER", 3)
    for buyer in members:
        order_create_offline(plan=plans[0], buyer=buyer, actor=Actor.owner(owner))
    figures = running.maintained()
    assert figures.members == 3
    assert not RunningChange.objects.exists()
    assert running.maintained() == figures == running.recomputed()


@pytest.mark.postgres
def test_emptying_the_orders_table_empties_the_running_figures(history):
    # given: running orders, some of them folded
    plans, members, owner = history
    order_create_offline(plan=plans[0], buyer=members[0], actor=Actor.owner(owner))
    running.fold()
    order_create_offline(plan=plans[1], buyer=members[1], actor=Actor.owner(owner))
    # when
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as if committed: checks done now
        cursor.execute("TRUNCATE orders_order CASCADE")
    # then
    assert running.maintained() == running.Figures() == running.recomputed()
