"""Simultaneous requests on PostgreSQL, with real parallel connections (threads).

A per-buyer purchase limit and a coupon's last use each admit exactly one of 20 simultaneous
purchases; two clock runs at once apply each transition, and emit each event, once.
"""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from accounts.actors import Actor
from config.errors import DomainError
from orders.models import Coupon, Invoice, Order, OrderEvent
from orders.services.catalogue import coupon_upsert
from orders.services.checkout import order_create_offline, order_create_online
from orders.services.clock import clock_run

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PARALLEL = 20


def at_once(calls) -> list:
    """Run ``calls`` in threads released together; return each result or domain error."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except DomainError as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def outcome(result) -> str:
    return result.code if isinstance(result, DomainError) else "ORDER"


def test_purchase_limit_admits_one_of_twenty_simultaneous_purchases(clock, member, plan_factory):
    # given a plan each buyer may hold once
    plan = plan_factory(purchase_limit=1)
    # when one buyer sends 20 purchases at once
    buy = lambda: order_create_online(plan=plan, buyer=member, actor=Actor.member(member))  # noqa: E731
    results = at_once([buy] * PARALLEL)
    # then exactly one order exists and the others were refused by the limit
    assert Counter(map(outcome, results)) == {"ORDER": 1, "purchases_limit_reached": 19}
    assert Order.objects.filter(buyer=member, plan=plan).count() == 1


def test_coupon_last_use_admits_one_of_twenty_simultaneous_purchases(
    clock, member_factory, plan_factory
):
    # given a coupon with one use left and 20 buyers
    plan = plan_factory(price="20.00")
    coupon_upsert(code="LAST", discount_type="PERCENT", value=Decimal(50), usage_limit=1)
    buyers = [member_factory() for _ in range(PARALLEL)]
    # when they all use it at once
    results = at_once(
        [
            (
                lambda b=b: order_create_online(
                    plan=plan, buyer=b, actor=Actor.member(b), coupon_code="LAST"
                )
            )
            for b in buyers
        ]
    )
    # then one purchase got it, the others were refused, and it counts one use
    assert Counter(map(outcome, results)) == {"ORDER": 1, "ERROR_COUPON_USAGE_EXCEEDED": 19}
    assert Coupon.objects.get(code="LAST").times_used == 1


def test_invoice_numbers_stay_gap_free_under_parallel_checkouts(
    clock, member_factory, plan_factory
):
    plan = plan_factory()
    buyers = [member_factory() for _ in range(PARALLEL)]
    at_once(
        [
            (lambda b=b: order_create_online(plan=plan, buyer=b, actor=Actor.member(b)))
            for b in buyers
        ]
    )
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == list(range(1, PARALLEL + 1))


def test_two_clock_runs_at_once_apply_each_transition_once(clock, member, owner, plan_factory):
    # given 120 orders whose next cycle is due
    plan = plan_factory(price="10.00")
    actor = Actor.owner(owner)
    orders = [
        order_create_offline(plan=plan, buyer=member, actor=actor, paid=True) for _ in range(120)
    ]
    events_before = OrderEvent.objects.count()
    clock.set(orders[0].next_transition_at)
    # when two clock runs start at the same moment (small batches, so they interleave)
    results = at_once([lambda: clock_run(batch_size=10)] * 2)
    # then every order moved to cycle 2 exactly once, with one invoice and two events each
    assert sum(results) == 120
    assert set(Order.objects.values_list("current_cycle_index", flat=True)) == {2}
    assert Invoice.objects.filter(cycle_index=2).count() == 120
    assert OrderEvent.objects.count() - events_before == 240
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 241))
    # and a further run changes nothing
    assert clock_run() == 0
