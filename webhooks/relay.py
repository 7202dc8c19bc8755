"""The webhook relay: the worker job that moves deliveries from the database to receivers.

Each worker process has one ``Relay``. Its dispatcher (a worker thread of its own, beside the
clock's) runs rounds:

1. fan new order events out into deliveries (``services.fanout``);
2. for each enabled endpoint, claim due deliveries into the endpoint's lane (up to
   ``LANE_DEPTH`` times its posting slots), where at most
   ``TALLY_WEBHOOK_ENDPOINT_CONCURRENCY`` threads of the pool take them one after another,
   sign and post them. A slow receiver holds only its own lane, so it never delays another
   endpoint; the posting threads touch no database, and never wait for the dispatcher;
3. record the answers that had come back when the round began (one transaction for all).
   New events thus go out before the answers are written.

A claim's lease covers ``LANE_WAIT`` in the lane, the request's timeout and the recording of
its answer (``LEASE_MARGIN``). A post still in its lane when its ``LANE_WAIT`` is over (a slow
receiver ahead of it) is not sent: its delivery comes due again when the lease ends, for any
worker. So a delivery is never posted by two workers in one attempt round, however deep the
lanes, and a killed worker's deliveries wait at most one lease.

Between rounds it waits until an answer arrives, a committed change is announced (PostgreSQL
``LISTEN``, fed by the triggers of migration 0002), or the poll interval passes.
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
import time
import uuid
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, connections

from config import clock
from webhooks.http import Answer, Poster
from webhooks.models import Endpoint
from webhooks.services import keys, signing
from webhooks.services.addresses import AddressRefused, target_of
from webhooks.services.deliveries import Claimed, Outcome, deliveries_claim, outcomes_record
from webhooks.services.fanout import events_fan_out
from webhooks.services.housekeeping import webhooks_tidy

log = logging.getLogger("tally.webhooks")

CHANNEL = "tally_webhooks"
SLICE_SECONDS = 0.95  # of rounds per call of the job (in a worker thread of its own)
POLL_SECONDS = 0.25  # without LISTEN (SQLite), or as a fallback beside it
LEASE_MARGIN = timedelta(seconds=30)
LANE_WAIT = 30.0  # seconds a claimed delivery may wait in its lane before it is dropped
COALESCE_SECONDS = 0.02
LANE_DEPTH = 128  # deliveries claimed ahead per posting slot: the database works in batches
TIDY_EVERY = 600.0


@dataclass(frozen=True)
class Post:
    """Everything a posting thread needs: plain values, nothing shared that changes."""

    delivery_id: uuid.UUID
    claim: uuid.UUID
    endpoint_id: uuid.UUID
    url: str
    format: str
    secrets: tuple[str, ...]
    audience: str
    event: dict[str, Any]
    event_type: str
    identity: dict[str, Any] | None
    at: datetime
    start_by: float  # time.monotonic(): not sent later, as the lease would not cover it


class Lane:
    """One endpoint's claimed posts, and how many threads are taking them (thread-safe)."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self.posts: deque[tuple[Post, signing.WixSigner | None]] = deque()
        self.runners = 0
        self.lock = threading.Lock()

    def add(self, posts: list[tuple[Post, signing.WixSigner | None]]) -> int:
        """Queue ``posts``; returns how many more threads should start taking them."""
        with self.lock:
            self.posts.extend(posts)
            more = min(self.slots - self.runners, len(self.posts))
            self.runners += more
            return more

    def take(self) -> tuple[Post, signing.WixSigner | None] | None:
        """The next post, or None: the calling thread then leaves the lane."""
        with self.lock:
            if self.posts:
                return self.posts.popleft()
            self.runners -= 1
            return None


class Relay:
    def __init__(self, *, timeout: float | None = None, listen: bool = True) -> None:
        self.timeout = timeout or settings.TALLY_WEBHOOK_TIMEOUT_SECONDS
        self.per_endpoint = settings.TALLY_WEBHOOK_ENDPOINT_CONCURRENCY
        self.threads = settings.TALLY_WEBHOOK_WORKER_THREADS
        self.lease = timedelta(seconds=LANE_WAIT + self.timeout) + LEASE_MARGIN
        self.poster = Poster(
            timeout=self.timeout,
            per_host=self.per_endpoint,
            ca_bundle=settings.TALLY_WEBHOOK_CA_BUNDLE,
        )
        self.pool = ThreadPoolExecutor(self.threads, thread_name_prefix="webhook-post")
        # (None: a post dropped unsent, its lane wait over)
        self.answers: queue.SimpleQueue[tuple[Outcome | None, uuid.UUID]] = queue.SimpleQueue()
        self.wake = threading.Event()  # anything happened
        self.changed = threading.Event()  # a change was committed (LISTEN)
        # Claimed and not yet answered, per endpoint; and the lanes (the dispatcher's thread only).
        self.in_flight: Counter[uuid.UUID] = Counter()
        self.lanes: dict[uuid.UUID, Lane] = {}
        self.instance_id = ""
        self.tidied = 0.0
        self.listener: Listener | None = None
        if listen and connection.vendor == "postgresql":
            self.listener = Listener(self.wake, self.changed)
            self.listener.start()

    # -- the dispatcher ----------------------------------------------------------------
    def round(self) -> int:
        """Fan out, dispatch, record the answers that came back: how many deliveries were sent
        and answered. New events go out before the answers are written (a change's latency);
        an answer that releases the next delivery of an order wakes the next round at once."""
        outcomes = self.answered()
        events_fan_out()
        sent = self.dispatch()
        done = self.record(outcomes)
        if time.monotonic() - self.tidied > TIDY_EVERY:
            self.tidied = time.monotonic()
            webhooks_tidy()
        return done + sent

    def run_for(self, seconds: float) -> int:
        """Rounds for ``seconds``, each as soon as there is something to do."""
        done, until = 0, time.monotonic() + seconds
        while True:
            self.wake.clear()
            done += self.round()
            left = until - time.monotonic()
            if left <= 0:
                return done
            self.pause(min(left, POLL_SECONDS))

    def run_until_idle(self, *, limit: float = 30.0) -> int:
        """Rounds until nothing is in flight or due (tests, ``--once``)."""
        done, until = 0, time.monotonic() + limit
        while time.monotonic() < until:
            self.wake.clear()
            count = self.round()
            done += count
            if not count and not self.in_flight:
                return done
            if self.in_flight:
                self.pause(POLL_SECONDS)
        return done

    def pause(self, timeout: float) -> None:
        """Wait for a committed change, an answer, or ``timeout``. Answers alone wait a moment
        more, so that one round records (and refills) many: the database works in batches."""
        self.wake.wait(timeout)
        if not self.changed.is_set() and not self.answers.empty():
            time.sleep(COALESCE_SECONDS)
        self.changed.clear()

    def answered(self) -> list[Outcome]:
        """The answers that came back; their lanes have room again."""
        outcomes = []
        while True:
            try:
                outcome, endpoint_id = self.answers.get_nowait()
            except queue.Empty:
                break
            if outcome is not None:
                outcomes.append(outcome)
            self.in_flight[endpoint_id] -= 1
        self.in_flight += Counter()  # drop zeros
        return outcomes

    def record(self, outcomes: list[Outcome]) -> int:
        recorded = outcomes_record(outcomes)
        if recorded.released:
            self.wake.set()  # the next deliveries of those orders are due now
        return recorded.applied

    def dispatch(self) -> int:
        endpoints = list(Endpoint.objects.filter(enabled=True).select_related("app"))
        signer, now, sent = None, clock.now(), 0
        start_by = time.monotonic() + LANE_WAIT
        for endpoint in endpoints:
            free = self.per_endpoint * LANE_DEPTH - self.in_flight[endpoint.pk]
            claimed = deliveries_claim(endpoint_id=endpoint.pk, limit=free, lease=self.lease)
            if not claimed:
                continue
            if signer is None and endpoint.format == Endpoint.Format.WIX:
                signer = self.wix_signer()
            posts = [(post_of(d, endpoint, now, start_by), signer) for d in claimed]
            self.submit(endpoint.pk, posts)
            sent += len(claimed)
        return sent

    def wix_signer(self) -> signing.WixSigner:
        self.instance_id = self.instance_id or keys.instance_id()  # fixed per installation
        return wix_signer(self.instance_id)

    def submit(self, endpoint_id: uuid.UUID, posts: list) -> None:
        self.in_flight[endpoint_id] += len(posts)
        lane = self.lanes.setdefault(endpoint_id, Lane(self.per_endpoint))
        for _ in range(lane.add(posts)):
            self.pool.submit(self.run_lane, lane)

    # -- the posting threads -----------------------------------------------------------
    def run_lane(self, lane: Lane) -> None:
        while (taken := lane.take()) is not None:
            self.deliver(*taken)

    def deliver(self, post: Post, signer: signing.WixSigner | None) -> None:
        started = time.monotonic()
        if started > post.start_by:
            self.answers.put((None, post.endpoint_id))  # due again when its lease ends
            self.wake.set()
            return
        try:
            answer = self.attempt(post, signer)
        except Exception as exc:  # noqa: BLE001 - a bug must not lose the answer slot
            log.exception("webhooks: posting %s failed", post.delivery_id)
            answer = Answer(error=f"internal error: {type(exc).__name__}")
        outcome = Outcome(
            delivery_id=post.delivery_id,
            claim=post.claim,
            at=post.at,
            duration_ms=int((time.monotonic() - started) * 1000),
            http_status=answer.status,
            error=answer.error,
            excerpt=answer.excerpt,
            retry_after=answer.retry_after,
        )
        self.answers.put((outcome, post.endpoint_id))
        self.wake.set()

    def attempt(self, post: Post, signer: signing.WixSigner | None) -> Answer:
        try:
            target = target_of(post.url)  # checked again at every delivery: DNS can change
        except AddressRefused as exc:
            return Answer(error=f"address refused: {exc}")
        body, headers = request_of(post, signer, now=int(time.time()))
        return self.poster.post(target, body, headers)

    def close(self) -> None:
        """Let the posts in flight finish and record their answers."""
        self.pool.shutdown(wait=True)
        if self.listener is not None:
            self.listener.stop()
            self.listener.join(timeout=5)
        try:
            self.record(self.answered())
        except Exception:  # noqa: BLE001 - at exit: unrecorded ones are retried after the lease
            log.exception("webhooks: recording the last answers failed")


def request_of(
    post: Post, signer: signing.WixSigner | None, *, now: int
) -> tuple[bytes, dict[str, str]]:
    if post.format == Endpoint.Format.STANDARD_WEBHOOKS:
        return signing.standard_request(
            event=post.event, event_type=post.event_type, secrets=list(post.secrets), now=now
        )
    assert signer is not None
    return signing.wix_request(
        signer,
        event=post.event,
        event_type=post.event_type,
        identity=post.identity,
        audience=post.audience,
        now=now,
    )


def wix_signer(instance_id: str | None = None) -> signing.WixSigner:
    """The current key, looked up for each batch, so a retired key stops at once."""
    kid = keys.current_kid()
    return signing.WixSigner(
        key=keys.loaded_key(kid),
        kid=kid,
        issuer=settings.TALLY_PUBLIC_URL,
        instance_id=instance_id or keys.instance_id(),
    )


def post_of(delivery: Claimed, endpoint: Endpoint, now: datetime, start_by: float) -> Post:
    secrets = [endpoint.secret]
    if endpoint.previous_secret and (endpoint.previous_secret_until or now) > now:
        secrets.append(endpoint.previous_secret)
    return Post(
        delivery_id=delivery.id,
        claim=delivery.claim,
        endpoint_id=endpoint.pk,
        url=endpoint.url,
        format=endpoint.format,
        secrets=tuple(s for s in secrets if s),
        audience=str(endpoint.app.app_def_id),
        event=delivery.event,
        event_type=delivery.event_type,
        identity=delivery.identity,
        at=now,
        start_by=start_by,
    )


class Listener(threading.Thread):
    """PostgreSQL ``LISTEN``: sets ``wake`` whenever an event or delivery commits."""

    def __init__(self, wake: threading.Event, changed: threading.Event) -> None:
        super().__init__(name="webhook-listen", daemon=True)
        self.wake, self.changed = wake, changed
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.listen()
            except Exception:  # noqa: BLE001 - database restart: listen again shortly
                log.warning("webhooks: LISTEN connection lost; polling until it is back")
                self.stopping.wait(1.0)
            finally:
                connections.close_all()

    def listen(self) -> None:
        wrapper = connections["default"]
        conn = wrapper.get_new_connection(wrapper.get_connection_params())
        try:
            conn.autocommit = True
            conn.execute(f"LISTEN {CHANNEL}")
            while not self.stopping.is_set():
                for _ in conn.notifies(timeout=1.0):
                    self.changed.set()
                    self.wake.set()
        finally:
            conn.close()

    def stop(self) -> None:
        self.stopping.set()


_relay: dict[str, Relay] = {}
_relay_lock = threading.Lock()


def relay() -> Relay:
    """This process's relay, made on first use; at exit it finishes what is in flight."""
    with _relay_lock:
        if "relay" not in _relay:
            _relay["relay"] = Relay()
            atexit.register(_relay["relay"].close)
        return _relay["relay"]


def relay_close() -> None:
    """Finish and forget this process's relay (its LISTEN connection closes too)."""
    with _relay_lock:
        current = _relay.pop("relay", None)
    if current is not None:
        atexit.unregister(current.close)
        current.close()


def relay_job() -> int:
    """The worker job: about a second of the relay's rounds; a running worker calls it again,
    in the relay's own thread, as soon as it returns."""
    return relay().run_for(SLICE_SECONDS)
