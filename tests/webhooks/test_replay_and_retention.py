"""Replay, retention, and retries driven by the test clock (contract section 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command

from accounts.actors import Actor
from orders.models import OrderEvent
from orders.services.lifecycle import order_pause, order_resume
from tests.webhooks.conftest import Reply
from tests.webhooks.helpers import received, wix_payload
from webhooks.errors import EventNotFound
from webhooks.models import Attempt, Delivery
from webhooks.services.housekeeping import deliveries_prune
from webhooks.services.replay import webhook_replay

PAUSED = "wix.pricing_plans.v2.order_paused"
RESUMED = "wix.pricing_plans.v2.order_resumed"


@pytest.fixture
def paused_and_resumed(clock, receiver, endpoint_factory, order_factory, relay, owner):
    """An endpoint for pauses and resumes that received one pause and one resume."""
    endpoint = endpoint_factory(receiver.url, event_types=[PAUSED, RESUMED])
    order = order_factory()
    clock.advance(seconds=1)
    order_pause(order.pk, actor=Actor.owner(owner))
    clock.advance(seconds=1)
    order_resume(order.pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    assert len(receiver.hits) == 2
    return endpoint, order


def test_replaying_an_order_sends_its_events_again_in_order_signed_afresh(
    clock, receiver, relay, paused_and_resumed, hook_app
):
    endpoint, order = paused_and_resumed
    first_iat = wix_payload(receiver.hits[0].body)["claims"]["iat"]
    # when
    queued = webhook_replay(endpoint.pk, app=hook_app[0], order_id=order.pk)
    relay.run_until_idle()
    # then the same events (same ids), in sequence order, again
    assert queued == 2
    got = received(receiver)
    assert [t for t, _, _ in got] == [PAUSED, RESUMED, PAUSED, RESUMED]
    ids = [wix_payload(h.body)["data"]["id"] for h in receiver.hits]
    assert ids[:2] == ids[2:]
    assert wix_payload(receiver.hits[2].body)["claims"]["iat"] >= first_iat


def test_replay_only_failed_skips_what_the_endpoint_received(
    clock, receiver, relay, paused_and_resumed, hook_app
):
    endpoint, order = paused_and_resumed
    Delivery.objects.filter(event_type=RESUMED).update(status=Delivery.Status.FAILED)
    queued = webhook_replay(endpoint.pk, app=hook_app[0], order_id=order.pk, only_failed=True)
    relay.run_until_idle()
    assert queued == 1 and received(receiver)[-1][0] == RESUMED


def test_replay_of_a_time_range_takes_the_events_written_in_it(
    clock, receiver, relay, paused_and_resumed, hook_app
):
    endpoint, _ = paused_and_resumed
    resumed = OrderEvent.objects.get(event_type=RESUMED)
    queued = webhook_replay(
        endpoint.pk, app=hook_app[0], since=resumed.created_date, until=clock.now
    )
    assert queued == 0  # until is exclusive and the clock has not moved
    clock.advance(seconds=1)
    queued = webhook_replay(endpoint.pk, app=hook_app[0], since=resumed.created_date)
    assert queued == 1


def test_replay_supersedes_a_pending_delivery_of_the_same_event(
    clock, receiver, endpoint_factory, order_factory, relay, owner, hook_app
):
    receiver.script(lambda hit: Reply(500))
    endpoint = endpoint_factory(receiver.url, event_types=[PAUSED])
    order_pause(order_factory().pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    event = OrderEvent.objects.get(event_type=PAUSED)
    webhook_replay(endpoint.pk, app=hook_app[0], event_ids=[event.pk])
    statuses = sorted(Delivery.objects.values_list("status", flat=True))
    assert statuses == [Delivery.Status.CANCELED, Delivery.Status.PENDING]


def test_replay_of_an_unknown_event_is_not_found(clock, receiver, endpoint_factory, hook_app):
    import uuid

    endpoint = endpoint_factory(receiver.url)
    with pytest.raises(EventNotFound):
        webhook_replay(endpoint.pk, app=hook_app[0], event_ids=[uuid.uuid4()])


def test_finished_deliveries_older_than_the_retention_are_deleted_and_events_stay(
    clock, receiver, relay, paused_and_resumed, settings
):
    settings.TALLY_WEBHOOK_RETENTION_DAYS = 30
    events = OrderEvent.objects.count()
    clock.advance(days=29)
    assert deliveries_prune() == 0
    clock.advance(days=2)
    assert deliveries_prune() == 2
    assert not Delivery.objects.exists() and not Attempt.objects.exists()
    assert OrderEvent.objects.count() == events


def test_clock_advance_makes_due_retries_happen(
    receiver, endpoint_factory, order_factory, relay, owner, settings
):
    # given the shared test clock, and a receiver that fails the first attempt
    settings.TALLY_TEST_CLOCK = True
    seen = []
    receiver.script(lambda hit: Reply(500) if not seen.append(1) and len(seen) == 1 else Reply())
    endpoint_factory(receiver.url, event_types=[PAUSED])
    order_pause(order_factory().pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 1
    # when the test clock is moved an hour
    call_command("clock", "advance", "1h")
    relay.run_until_idle()
    # then the retry was made and succeeded
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 2
    assert delivery.updated_date - delivery.created_date >= timedelta(hours=1)
