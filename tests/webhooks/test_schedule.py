"""The retry schedule (contract section 4): Svix's steps with +-20 % jitter, and
``Retry-After`` on 429 and 503 honoured when longer, up to twice the step.

The rules of ``webhooks.services.schedule`` alone; the relay tests below them check that a
receiver's answer reaches them (which statuses count, the header's two forms)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from accounts.actors import Actor
from orders.services.lifecycle import order_pause
from tests.webhooks.conftest import Reply
from webhooks.models import Delivery
from webhooks.services.schedule import parse_retry_after, retry_delay

PAUSED = "wix.pricing_plans.v2.order_paused"
STEPS = [
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
]
SAMPLES = 200


@pytest.mark.parametrize(("attempts", "step"), list(enumerate(STEPS, start=1)))
def test_each_retry_waits_its_step_jittered_within_20_percent(attempts, step):
    # when the delay after the n-th failure is drawn many times
    delays = [retry_delay(attempts) for _ in range(SAMPLES)]
    # then each is within +-20 % of the step
    assert all(d is not None and step * 0.8 <= d <= step * 1.2 for d in delays)
    # and they are spread over that range, not one value (200 uniform draws span most of it)
    spread = max(delays) - min(delays)
    assert len(set(delays)) > SAMPLES // 2 and spread > step * 0.2


def test_after_the_eighth_failure_there_is_no_retry():
    assert retry_delay(8) is None
    assert retry_delay(8, retry_after=timedelta(minutes=1)) is None


def test_a_longer_retry_after_is_honoured():
    # 8 s asked after the first failure (step 5 s, at most 6 s with jitter)
    assert retry_delay(1, retry_after=timedelta(seconds=8)) == timedelta(seconds=8)
    # 50 min asked after the third (step 30 min)
    assert retry_delay(3, retry_after=timedelta(minutes=50)) == timedelta(minutes=50)


def test_a_retry_after_is_capped_at_twice_the_step():
    assert retry_delay(1, retry_after=timedelta(hours=1)) == timedelta(seconds=10)
    assert retry_delay(4, retry_after=timedelta(days=1)) == timedelta(hours=4)


def test_a_shorter_retry_after_keeps_the_jittered_step():
    delays = {retry_delay(2, retry_after=timedelta(seconds=1)) for _ in range(50)}
    assert all(d is not None and timedelta(minutes=4) <= d <= timedelta(minutes=6) for d in delays)
    assert len(delays) > 1


NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", timedelta(seconds=120)),
        (" 7 ", timedelta(seconds=7)),
        (format_datetime(NOW + timedelta(seconds=90), usegmt=True), timedelta(seconds=90)),
        ("Thu, 15 Jan 2026 12:00:30 GMT", timedelta(seconds=30)),
        (format_datetime(NOW - timedelta(hours=1), usegmt=True), timedelta()),  # in the past
        ("", None),
        (None, None),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(header, expected):
    assert parse_retry_after(header, now=NOW) == expected


def retry_after_of(form: str, seconds: int, now: datetime) -> str:
    if form == "seconds":
        return str(seconds)
    return format_datetime(now + timedelta(seconds=seconds), usegmt=True)


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_a_retry_after_on_429_and_503_sets_the_next_attempt(
    clock, receiver, endpoint_factory, order_factory, relay, owner, status, form
):
    # given a receiver that answers the first attempt with ``status`` and "8 seconds"
    receiver.script(
        lambda hit: (
            Reply(status, headers={"Retry-After": retry_after_of(form, 8, clock.now)})
            if len(receiver.hits) == 1
            else Reply(200)
        )
    )
    endpoint_factory(receiver.url, event_types=[PAUSED])
    order_pause(order_factory().pk, actor=Actor.owner(owner))
    # when the relay posts it
    relay.run_until_idle()
    # then the retry waits the 8 s asked (longer than the 5 s step, under its 10 s cap)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.next_attempt_at - clock.now == timedelta(seconds=8)


@pytest.mark.parametrize("status", [500, 502, 404, 408])
def test_a_retry_after_on_other_statuses_is_ignored(
    clock, receiver, endpoint_factory, order_factory, relay, owner, status
):
    receiver.script(lambda hit: Reply(status, headers={"Retry-After": "8"}))
    endpoint_factory(receiver.url, event_types=[PAUSED])
    order_pause(order_factory().pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    wait = Delivery.objects.get().next_attempt_at - clock.now
    assert timedelta(seconds=4) <= wait <= timedelta(seconds=6)
