"""Commits and the relay (contract section 5, issue: "a committed change always reaches its
subscribers and a rolled-back one never does"): a rolled-back change sends nothing, an event
committed after a later one is still fanned out, and on PostgreSQL a commit wakes the relay
(``LISTEN``/``NOTIFY``) instead of its next look.

The PostgreSQL tests commit for real (``transaction=True``) from threads with connections of
their own, as the site's requests do beside a worker.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections, transaction

from accounts.actors import Actor
from orders.models import OrderEvent
from orders.services.lifecycle import order_pause
from tests.webhooks.helpers import unverified_event
from webhooks.models import Delivery
from webhooks.relay import CHANNEL, Relay

PAUSED = "wix.pricing_plans.v2.order_paused"


class RolledBack(Exception):
    pass


def test_a_rolled_back_change_is_never_delivered(
    clock, receiver, endpoint_factory, order_factory, relay, owner
):
    # given an endpoint for pauses and an order
    endpoint_factory(receiver.url, event_types=[PAUSED])
    order = order_factory()
    # when a pause is rolled back, and the relay runs
    with pytest.raises(RolledBack), transaction.atomic():
        order_pause(order.pk, actor=Actor.owner(owner))
        raise RolledBack
    relay.run_until_idle()
    # then nothing was queued or posted
    assert not Delivery.objects.exists() and receiver.hits == []
    # while the same pause, committed, goes out once
    clock.advance(seconds=1)
    order_pause(order.pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    (event,) = OrderEvent.objects.filter(order=order, event_type=PAUSED)
    assert [unverified_event(h.body)["id"] for h in receiver.hits] == [str(event.pk)]


def in_own_connection(work):
    """Run ``work`` in this thread's own connection, closed afterwards."""
    try:
        work()
    finally:
        connections.close_all()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_event_committed_after_a_later_one_is_still_delivered(
    clock, receiver, endpoint_factory, order_factory, relay, owner, member_factory
):
    # given two orders, and a transaction that pauses the first and stays open
    endpoint_factory(receiver.url, event_types=[PAUSED])
    early, late = order_factory(), order_factory(buyer=member_factory())
    written, commit = threading.Event(), threading.Event()

    def pause_and_hold():
        with transaction.atomic():
            order_pause(early.pk, actor=Actor.owner(owner))
            written.set()
            commit.wait(30)

    holder = threading.Thread(target=in_own_connection, args=(pause_and_hold,))
    holder.start()
    try:
        assert written.wait(30)
        # when a later pause commits and is fanned out and delivered first
        clock.advance(seconds=1)
        order_pause(late.pk, actor=Actor.owner(owner))
        relay.run_until_idle()
        assert [unverified_event(h.body)["entityId"] for h in receiver.hits] == [str(late.pk)]
    finally:
        # and then the earlier-made one commits
        commit.set()
        holder.join(30)
    relay.run_until_idle()
    # then it is delivered too, once
    got = Counter(unverified_event(h.body)["entityId"] for h in receiver.hits)
    assert got == {str(late.pk): 1, str(early.pk): 1}
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.DELIVERED}


def listening(limit: float = 10.0) -> bool:
    """A session of this database is LISTENing on the relay's channel (its last statement)."""
    until = time.monotonic() + limit
    while time.monotonic() < until:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND query = %s",
                [f"LISTEN {CHANNEL}"],
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


WAIT = 20.0  # the relay's wait between rounds here: far longer than a commit takes to go out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_commit_wakes_a_listening_relay_at_once(
    clock, receiver, endpoint_factory, order_factory, owner
):
    # given a listening relay, idle, and an endpoint for pauses
    endpoint_factory(receiver.url, event_types=[PAUSED])
    order = order_factory()
    relay = Relay(listen=True)
    try:
        relay.run_until_idle()
        assert listening()
        relay.wake.clear()
        # when a pause commits in another connection while the relay waits between rounds
        committed = {}

        def pause_soon():
            time.sleep(0.2)
            order_pause(order.pk, actor=Actor.owner(owner))
            committed["at"] = time.time()

        pauser = threading.Thread(target=in_own_connection, args=(pause_soon,))
        started = time.monotonic()
        pauser.start()
        relay.pause(WAIT)
        woke_after = time.monotonic() - started
        pauser.join(30)
        relay.run_until_idle()
    finally:
        relay.close()
    # then the relay woke at the commit, not at the end of its wait, and posted the pause
    assert woke_after < 5.0
    (hit,) = receiver.hits
    assert unverified_event(hit.body)["entityId"] == str(order.pk)
    assert hit.at - committed["at"] < 5.0
