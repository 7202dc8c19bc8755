"""Deliveries: claiming the due ones, and recording what the receivers answered.

A worker claims due deliveries of one endpoint at a time (``FOR UPDATE SKIP LOCKED``), and in
the same short transaction moves each one's ``next_attempt_at`` to the end of a lease and
stamps it with a claim token: other workers skip it, and if this worker dies the delivery is
due again when the lease ends (at least once, never lost). Nothing is held open during the
HTTP request. The answer is recorded only while the claim still holds.

Order per endpoint: only the head of each (endpoint, order) chain is ever due; recording an
answer that finishes a delivery releases the next one of its chain (``services.chains``).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F

from config import clock
from webhooks.models import Attempt, Delivery, Endpoint
from webhooks.services.chains import chains_release
from webhooks.services.endpoints import endpoint_disable
from webhooks.services.schedule import RETRY_AFTER_STATUSES, parse_retry_after, retry_delay

# An endpoint whose deliveries have all failed this long is disabled (contract section 4).
FAILING_LIMIT = timedelta(days=5)
EXCERPT_BYTES = 2048


@dataclass(frozen=True)
class Outcome:
    """What one POST came to: an HTTP status, or an error before any status."""

    delivery_id: uuid.UUID
    claim: uuid.UUID
    at: datetime
    duration_ms: int
    http_status: int | None = None
    error: str = ""
    excerpt: str = ""
    retry_after: str | None = None

    @property
    def ok(self) -> bool:
        return self.http_status is not None and 200 <= self.http_status < 300


def due(endpoint_id: uuid.UUID, now: datetime):
    """The endpoint's due deliveries, oldest first (one range of a partial index)."""
    return Delivery.objects.filter(
        endpoint_id=endpoint_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now
    ).order_by("next_attempt_at")


def deliveries_claim(*, endpoint_id: uuid.UUID, limit: int, lease: timedelta) -> list[Delivery]:
    """Claim up to ``limit`` due deliveries of one endpoint, with their events."""
    now = clock.now()
    if limit <= 0:
        return []
    if connection.vendor == "sqlite" and not due(endpoint_id, now).exists():
        return []  # idle: SQLite would take its write lock for the transaction below
    with transaction.atomic():
        claimed = list(
            due(endpoint_id, now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("event")[:limit]
        )
        if not claimed:
            return []
        token = uuid.uuid4()
        Delivery.objects.filter(pk__in=[d.pk for d in claimed]).update(
            claim=token, next_attempt_at=now + lease
        )
    for delivery in claimed:
        delivery.claim = token
    return claimed


def outcomes_record(outcomes: list[Outcome]) -> int:
    """Record a batch of answers in one transaction; returns how many counted."""
    if not outcomes:
        return 0
    now = clock.now()  # one moment for the batch: its deliveries are saved together
    with transaction.atomic():
        by_id = {
            d.pk: d
            for d in Delivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .filter(pk__in=[o.delivery_id for o in outcomes])
            .order_by("pk")  # the order chains_append locks in: no deadlock between them
        }
        endpoints: dict[uuid.UUID, Endpoint] = {}
        attempts, applied = [], []
        for outcome in outcomes:
            delivery = by_id.get(outcome.delivery_id)
            if delivery is None:
                continue  # deleted with its endpoint while the request was in flight
            # One instance per endpoint: a disabling seen by one answer holds for the next.
            delivery.endpoint = endpoints.setdefault(delivery.endpoint_id, delivery.endpoint)
            attempts.append(attempt_of(outcome))
            if delivery.claim == outcome.claim and delivery.status == Delivery.Status.PENDING:
                outcome_apply(delivery, outcome, now=now)
                applied.append(delivery)
        Attempt.objects.bulk_create(attempts)
        deliveries_save(applied)
        finished = [d for d in by_id.values() if d.status != Delivery.Status.PENDING]
        chains_release({(d.endpoint_id, d.order_id) for d in finished}, now=now)
    return len(applied)


def deliveries_save(deliveries: list[Delivery]) -> None:
    """Write what ``outcome_apply`` changed: one UPDATE per outcome (all the delivered ones
    share one), as each answer adds exactly one attempt."""
    groups: dict[tuple, list[uuid.UUID]] = defaultdict(list)
    for d in deliveries:
        groups[(d.status, d.next_attempt_at, d.updated_date)].append(d.pk)
    for (status, next_attempt_at, updated_date), ids in groups.items():
        Delivery.objects.filter(pk__in=ids).update(
            status=status,
            attempts=F("attempts") + 1,
            next_attempt_at=next_attempt_at,
            claim=None,
            updated_date=updated_date,
        )


def attempt_of(outcome: Outcome) -> Attempt:
    return Attempt(
        delivery_id=outcome.delivery_id,
        at=outcome.at,
        http_status=outcome.http_status,
        error=outcome.error[:300],
        duration_ms=outcome.duration_ms,
        response_excerpt=outcome.excerpt,
    )


def outcome_apply(delivery: Delivery, outcome: Outcome, *, now: datetime) -> None:
    """Move the delivery (unsaved; its endpoint saved) on after one answer."""
    delivery.attempts += 1
    delivery.claim = None
    delivery.updated_date = now
    endpoint = delivery.endpoint
    if outcome.ok:
        delivery.status, delivery.next_attempt_at = Delivery.Status.DELIVERED, None
        if endpoint.failing_since is not None:
            Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
            endpoint.failing_since = None
    elif outcome.http_status == 410:
        delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
        endpoint_stop(endpoint, reason=Endpoint.DisabledReason.GONE, now=now)
    else:
        retry_after = None
        if outcome.http_status in RETRY_AFTER_STATUSES:
            retry_after = parse_retry_after(outcome.retry_after, now=now)
        delay = retry_delay(delivery.attempts, retry_after=retry_after)
        endpoint_failed(endpoint, now=now)
        if delay is None:
            delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
        elif not endpoint.enabled:
            delivery.status, delivery.next_attempt_at = Delivery.Status.CANCELED, None
        else:
            delivery.next_attempt_at = now + delay


def endpoint_failed(endpoint: Endpoint, *, now: datetime) -> None:
    """Note a failure; after 5 days of nothing but failures the endpoint is disabled."""
    if endpoint.failing_since is None:
        endpoint.failing_since = now
        Endpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(
            failing_since=now
        )
    elif now - endpoint.failing_since >= FAILING_LIMIT and endpoint.enabled:
        endpoint_stop(endpoint, reason=Endpoint.DisabledReason.FAILING, now=now)


def endpoint_stop(endpoint: Endpoint, *, reason: str, now: datetime) -> None:
    if not endpoint.enabled:
        return
    endpoint_disable(endpoint, reason=reason)
    endpoint.updated_date = now
    endpoint.save(update_fields=["enabled", "disabled_reason", "updated_date"])
