"""The relay: fan-out, signing, posting, retries, disabling, ordering (contract sections 2, 4).

Each test drives the relay's rounds in process against a real local receiver over HTTP.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from accounts.actors import Actor
from orders.models import OrderEvent
from orders.services.checkout import order_create_offline
from orders.services.clock import clock_run
from orders.services.lifecycle import order_member_act, order_pause, order_resume
from tests.webhooks.conftest import Receiver, Reply
from tests.webhooks.helpers import received, unverified_event, wix_payload
from webhooks.models import Attempt, Delivery, Endpoint
from webhooks.services.endpoints import webhook_endpoint_delete, webhook_endpoint_update
from webhooks.services.fanout import events_fan_out
from webhooks.services.schedule import RETRY_DELAYS

PAUSED = "wix.pricing_plans.v2.order_paused"
RESUMED = "wix.pricing_plans.v2.order_resumed"
CANCELED = "wix.pricing_plans.v2.order_canceled"
STARTED = "wix.pricing_plans.v2.order_started"


def test_a_committed_event_reaches_its_endpoint_as_a_signed_wix_jwt(
    clock, receiver, endpoint_factory, order_factory, relay, hook_app, owner, settings
):
    # given an endpoint for pauses
    endpoint_factory(receiver.url, event_types=[PAUSED])
    order = order_factory()
    # when the order is paused by an app (a moment later) and the relay runs
    clock.advance(seconds=1)
    order_pause(order.pk, actor=Actor.app(hook_app[0]))
    relay.run_until_idle()
    # then exactly the pause arrived, signed by the current key, shaped as @wix/sdk reads it
    (hit,) = receiver.hits
    assert hit.headers["Content-Type"] == "text/plain"
    payload = wix_payload(hit.body)
    assert payload["header"]["alg"] == "RS256" and payload["header"]["kid"]
    claims = payload["claims"]
    assert isinstance(claims["data"], str) and claims["exp"] - claims["iat"] == 600
    assert claims["iss"] == settings.TALLY_PUBLIC_URL
    assert claims["aud"] == str(hook_app[0].app_def_id)
    assert payload["eventType"] == PAUSED and payload["instanceId"]
    assert payload["identity"] == {"identityType": "APP", "appId": str(hook_app[0].app_def_id)}
    event = OrderEvent.objects.get(order=order, event_type=PAUSED)
    assert payload["data"] == event.body
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED


def test_owner_changes_carry_a_wix_user_identity_and_the_clock_none(
    clock, receiver, endpoint_factory, order_factory, relay, owner
):
    endpoint_factory(receiver.url, event_types=["wix.pricing_plans.v2.order_created"])
    order_factory()
    relay.run_until_idle()
    (hit,) = receiver.hits
    assert wix_payload(hit.body)["identity"] == {
        "identityType": "WIX_USER",
        "wixUserId": str(owner.member_id),
    }


def test_a_members_change_carries_the_member_identity(
    clock, receiver, endpoint_factory, order_factory, relay, member
):
    # given an endpoint for cancellations and the member's active order
    endpoint_factory(receiver.url, event_types=[CANCELED])
    order = order_factory(member)
    # when the member cancels it on their own page (a moment later: the identity is read from
    # the timeline entry written at the event's moment)
    clock.advance(seconds=1)
    order_member_act("cancel_now", order.pk, member=member)
    relay.run_until_idle()
    # then the delivery names the member
    (hit,) = receiver.hits
    assert wix_payload(hit.body)["identity"] == {
        "identityType": "MEMBER",
        "memberId": str(member.member_id),
    }


def test_a_clock_change_carries_no_identity(
    clock, receiver, endpoint_factory, relay, member, owner, monthly_plan
):
    # given an endpoint for starts and an order that starts tomorrow
    endpoint_factory(receiver.url, event_types=[STARTED])
    start = clock.now + timedelta(days=1)
    order_create_offline(
        plan=monthly_plan, buyer=member, actor=Actor.owner(owner), start_date=start, paid=True
    )
    # when the clock starts it
    clock.advance(days=1)
    assert clock_run() == 1
    relay.run_until_idle()
    # then the start arrived without an identity
    (hit,) = receiver.hits
    payload = wix_payload(hit.body)
    assert payload["eventType"] == STARTED and "identity" not in payload


def test_an_endpoint_gets_only_events_written_after_it_was_created(
    clock, receiver, endpoint_factory, order_factory, relay, owner
):
    # given an order paused before the endpoint existed
    order = order_factory()
    order_pause(order.pk, actor=Actor.owner(owner))
    clock.advance(seconds=1)
    endpoint_factory(receiver.url)
    # when it is resumed afterwards
    clock.advance(seconds=1)
    order_resume(order.pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    # then only the resume's events arrived
    assert {t for t, _, _ in received(receiver)} <= {RESUMED, "wix.pricing_plans.v2.order_updated"}
    assert RESUMED in {t for t, _, _ in received(receiver)}


def test_a_re_enabled_endpoint_gets_only_events_written_after_it_was_re_enabled(
    clock, receiver, endpoint_factory, order_factory, relay, owner
):
    # given a disabled endpoint, and an order paused while it was off, not yet fanned out
    endpoint = endpoint_factory(receiver.url, event_types=[PAUSED, RESUMED])
    order = order_factory()
    webhook_endpoint_update(endpoint.pk, app=None, enabled=False)
    clock.advance(seconds=1)
    order_pause(order.pk, actor=Actor.owner(owner))
    # when it is re-enabled, and the order is resumed afterwards
    clock.advance(seconds=1)
    webhook_endpoint_update(endpoint.pk, app=None, enabled=True)
    clock.advance(seconds=1)
    order_resume(order.pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    # then only the resume arrived: the pause it missed goes only by replay
    assert [t for t, _, _ in received(receiver)] == [RESUMED]


def test_each_event_is_fanned_out_once(clock, receiver, endpoint_factory, order_factory):
    endpoint_factory(receiver.url)
    order_factory()
    count = OrderEvent.objects.count()
    assert events_fan_out() == count
    assert events_fan_out() == 0
    assert Delivery.objects.count() == count


def failing_first(status: int, times: int = 1, **reply):
    seen = {"n": 0}

    def answer(hit):
        seen["n"] += 1
        return Reply(status, **reply) if seen["n"] <= times else Reply(200)

    return answer


def test_a_receiver_down_then_up_gets_the_delivery_on_a_later_attempt(
    clock, receiver, endpoint_factory, order_factory, relay, owner
):
    # given an endpoint whose receiver is down (nothing listens on its port)
    url = receiver.url
    receiver.close()
    endpoint_factory(url, event_types=[PAUSED])
    order_pause(order_factory().pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 1
    assert Attempt.objects.get().error == "connection refused"
    # when it is up again on that port and the retry is due
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    back = Receiver(port)
    try:
        clock.advance(RETRY_DELAYS[0] * 1.2)
        relay.run_until_idle()
    finally:
        back.close()
    # then it was delivered on the second attempt
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 2
    assert len(back.hits) == 1


def test_a_500_is_logged_and_retried_on_the_schedule_with_jitter(
    clock, receiver, endpoint_factory, order_factory, relay, owner
):
    receiver.script(failing_first(500, body=b"boom"))
    endpoint_factory(receiver.url, event_types=[PAUSED])
    order_pause(order_factory().pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    delivery = Delivery.objects.get()
    attempt = Attempt.objects.get()
    assert (attempt.http_status, attempt.response_excerpt) == (500, "boom")
    wait = delivery.next_attempt_at - clock.now
    assert timedelta(seconds=4) <= wait <= timedelta(seconds=6)
    # not before it is due
    relay.run_until_idle()
    assert len(receiver.hits) == 1
    clock.advance(seconds=6)
    relay.run_until_idle()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and len(receiver.hits) == 2


def test_a_429_retry_after_is_honoured_up_to_twice_the_step(
    clock, receiver, endpoint_factory, order_factory, relay, owner
):
    receiver.script(failing_first(429, headers={"Retry-After": "3600"}))
    endpoint_factory(receiver.url, event_types=[PAUSED])
    order_pause(order_factory().pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    delivery = Delivery.objects.get()
    # an hour asked, capped at twice the 5 s step
    assert delivery.next_attempt_at - clock.now == timedelta(seconds=10)


def test_a_410_disables_the_endpoint_as_gone(
    clock, receiver, endpoint_factory, order_factory, relay, owner
):
    receiver.script(lambda hit: Reply(410))
    endpoint = endpoint_factory(receiver.url)
    order_factory()
    relay.run_until_idle()
    endpoint.refresh_from_db()
    assert not endpoint.enabled and endpoint.disabled_reason == Endpoint.DisabledReason.GONE
    assert len(receiver.hits) == 1
    statuses = set(Delivery.objects.values_list("status", flat=True))
    assert statuses == {Delivery.Status.FAILED, Delivery.Status.CANCELED}


def test_a_redirect_is_not_followed_and_counts_as_a_failure(
    clock, receiver, endpoint_factory, order_factory, relay, owner
):
    receiver.script(
        lambda hit: (
            Reply(302, headers={"Location": "/elsewhere"}) if hit.path == "/hook" else Reply()
        )
    )
    endpoint_factory(receiver.url, event_types=[PAUSED])
    order_pause(order_factory().pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    assert [h.path for h in receiver.hits] == ["/hook"]
    attempt = Attempt.objects.get()
    assert attempt.http_status == 302 and "not followed" in attempt.error
    assert Delivery.objects.get().status == Delivery.Status.PENDING


def test_a_receiver_slower_than_the_timeout_fails_as_timed_out(
    clock, receiver, endpoint_factory, order_factory, owner, settings
):
    from webhooks.relay import Relay

    receiver.script(lambda hit: Reply(200, delay=1.0))
    endpoint_factory(receiver.url, event_types=[PAUSED])
    order_pause(order_factory().pk, actor=Actor.owner(owner))
    quick = Relay(timeout=0.3, listen=False)
    try:
        quick.run_until_idle()
    finally:
        quick.pool.shutdown(wait=True)
    assert Attempt.objects.get().error == "timed out"
    assert Delivery.objects.get().status == Delivery.Status.PENDING


def test_after_the_last_retry_the_delivery_is_failed_and_keeps_its_attempts(
    clock, receiver, endpoint_factory, order_factory, relay, owner
):
    receiver.script(lambda hit: Reply(500))
    endpoint_factory(receiver.url, event_types=[PAUSED])
    order_pause(order_factory().pk, actor=Actor.owner(owner))
    for _ in range(12):
        relay.run_until_idle()
        clock.advance(hours=12)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == 8
    assert Attempt.objects.filter(delivery=delivery).count() == 8


def test_an_endpoint_failing_for_five_days_is_disabled(
    clock, receiver, endpoint_factory, order_factory, relay, owner
):
    receiver.script(lambda hit: Reply(500))
    endpoint = endpoint_factory(receiver.url, event_types=[PAUSED])
    order = order_factory()
    for _ in range(7):
        order_pause(order.pk, actor=Actor.owner(owner))
        order_resume(order.pk, actor=Actor.owner(owner))
        relay.run_until_idle()
        clock.advance(days=1)
    endpoint.refresh_from_db()
    assert not endpoint.enabled and endpoint.disabled_reason == Endpoint.DisabledReason.FAILING
    assert not Delivery.objects.filter(status=Delivery.Status.PENDING).exists()


def test_a_later_event_of_an_order_waits_for_the_earlier_while_other_orders_flow(
    clock, receiver, endpoint_factory, order_factory, relay, owner, member_factory
):
    # given a receiver that refuses the first pause of order A
    endpoint = endpoint_factory(receiver.url, event_types=[PAUSED, RESUMED])
    a, b = order_factory(), order_factory(buyer=member_factory())
    refused = {"done": False}

    def answer(hit):
        if not refused["done"] and unverified_event(hit.body)["entityId"] == str(a.pk):
            refused["done"] = True
            return Reply(503)
        return Reply(200)

    receiver.script(answer)
    for order in (a, b):
        order_pause(order.pk, actor=Actor.owner(owner))
        order_resume(order.pk, actor=Actor.owner(owner))
    # when the relay runs
    relay.run_until_idle()
    # then B's pause and resume arrived, A's resume did not (its pause failed once)
    got = received(receiver)
    assert (PAUSED, str(b.pk)) in [(t, o) for t, o, _ in got]
    assert (RESUMED, str(b.pk)) in [(t, o) for t, o, _ in got]
    assert [(t, o) for t, o, _ in got if o == str(a.pk)] == [(PAUSED, str(a.pk))]
    # and once A's pause goes through, A's resume follows it
    clock.advance(seconds=10)
    relay.run_until_idle()
    a_events = [(t, s) for t, o, s in received(receiver) if o == str(a.pk)]
    assert [t for t, _ in a_events] == [PAUSED, PAUSED, RESUMED]
    assert endpoint.deliveries.filter(status=Delivery.Status.DELIVERED).count() == 4


def test_a_deleted_endpoint_gets_nothing_more(
    clock, receiver, endpoint_factory, order_factory, relay, owner
):
    endpoint = endpoint_factory(receiver.url, event_types=[PAUSED, RESUMED])
    order = order_factory()
    order_pause(order.pk, actor=Actor.owner(owner))
    events_fan_out()
    webhook_endpoint_delete(endpoint.pk, app=None)
    order_resume(order.pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    assert receiver.hits == []
    assert not Delivery.objects.exists()


def test_a_slow_receiver_does_not_delay_another_endpoint(
    clock, receiver, endpoint_factory, order_factory, relay, owner
):
    # given a receiver that holds every request until the test lets it answer
    gate, slow = threading.Event(), Receiver()
    slow.script(lambda hit: Reply(200, gate=gate))
    try:
        endpoint_factory(slow.url)
        fast = endpoint_factory(receiver.url)
        for _ in range(3):
            order_factory()
        events_fan_out()
        expected = fast.deliveries.count()
        seen = {}

        def release_when_fast_is_done():
            seen["fast done"] = wait_until(lambda: len(receiver.hits) == expected)
            seen["slow answered"] = gate.is_set()
            gate.set()

        watcher = threading.Thread(target=release_when_fast_is_done)
        watcher.start()
        # when the relay runs
        relay.run_until_idle(limit=120)
        watcher.join()
        # then every delivery to the fast receiver was made while the slow one held its own
        assert seen == {"fast done": True, "slow answered": False}
        assert len(slow.hits) == expected
    finally:
        gate.set()
        slow.close()


def wait_until(predicate, limit: float = 60.0) -> bool:
    until = time.monotonic() + limit
    while time.monotonic() < until and not predicate():
        time.sleep(0.02)
    return predicate()


def test_a_private_address_is_checked_again_at_delivery(
    clock, receiver, endpoint_factory, order_factory, relay, owner, settings
):
    endpoint_factory(receiver.url, event_types=[PAUSED])
    settings.TALLY_WEBHOOK_ALLOW_PRIVATE = False
    order_pause(order_factory().pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    assert receiver.hits == []
    assert Attempt.objects.get().error.startswith("address refused")


def test_an_answer_with_a_nul_byte_is_recorded_beside_the_others_of_its_round(
    receiver, endpoint_factory, order_factory, relay, owner
):
    # given a receiver answering a body with a NUL byte (PostgreSQL text cannot hold one),
    # and a second endpoint whose answer is recorded in the same round
    receiver.script(lambda hit: Reply(200, body=b"ok\x00then"))
    other = Receiver()
    try:
        endpoint_factory(receiver.url, event_types=[PAUSED])
        endpoint_factory(other.url, event_types=[PAUSED])
        order_pause(order_factory().pk, actor=Actor.owner(owner))
        relay.run_until_idle()
    finally:
        other.close()
    # then both deliveries are recorded, the NUL shown as a replacement character
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.DELIVERED}
    excerpts = set(Attempt.objects.values_list("response_excerpt", flat=True))
    assert excerpts == {"ok\ufffdthen", "ok"}
