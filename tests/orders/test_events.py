"""Order events: the Wix types, the order after the change, a gap-free per-order sequence."""

from __future__ import annotations

import pytest

from accounts.actors import Actor
from orders.models import OrderEvent
from orders.services import lifecycle
from orders.services.clock import clock_run
from orders.services.events import EVENT_TYPES, build_event
from tests.orders.conftest import refreshed


def test_there_are_the_thirteen_wix_event_types():
    assert len(EVENT_TYPES) == 13
    assert "wix.pricing_plans.v2.order_auto_renew_canceled" in EVENT_TYPES


def test_event_body_is_the_order_after_the_change(clock, online_order, owner):
    # given an active order
    order = online_order()
    # when it is paused
    lifecycle.order_pause(order.pk, actor=Actor.owner(owner))
    # then the paused event carries the paused order, in the Wix domain-event envelope
    event = OrderEvent.objects.get(order=order, slug="paused")
    assert event.event_type == "wix.pricing_plans.v2.order_paused"
    body = event.body
    assert body["entityFqdn"] == "wix.pricing_plans.v2.order"
    assert body["entityId"] == str(order.pk)
    assert body["entityEventSequence"] == str(event.sequence)
    assert body["actionEvent"]["body"]["order"]["status"] == "PAUSED"
    assert body["actionEvent"]["body"]["order"]["pausePeriods"][0]["status"] == "ACTIVE"
    updated = OrderEvent.objects.get(order=order, sequence=event.sequence - 1)
    assert updated.body["updatedEvent"]["currentEntity"]["status"] == "PAUSED"


def test_created_event_carries_the_entity(clock, online_order):
    order = online_order(pay=False)
    event = OrderEvent.objects.get(order=order, sequence=1)
    assert event.body["createdEvent"]["entity"]["id"] == str(order.pk)


def test_event_sequence_is_gap_free_per_order(clock, online_order, owner):
    order = online_order()
    actor = Actor.owner(owner)
    lifecycle.order_pause(order.pk, actor=actor)
    lifecycle.order_resume(order.pk, actor=actor)
    clock.set(refreshed(order).next_transition_at)
    clock_run()
    lifecycle.order_cancel(order.pk, effective_at="IMMEDIATELY", actor=actor)
    sequences = list(OrderEvent.objects.filter(order=order).values_list("sequence", flat=True))
    assert sequences == list(range(1, len(sequences) + 1))
    assert refreshed(order).last_event_sequence == len(sequences)


def test_an_event_takes_the_next_sequence_of_its_order(clock, online_order):
    order = online_order()
    before = order.last_event_sequence
    event = build_event(order, "updated")
    assert event.sequence == order.last_event_sequence == before + 1


def test_unknown_event_type_is_refused(clock, online_order):
    with pytest.raises(ValueError):
        build_event(online_order(), "exploded")
