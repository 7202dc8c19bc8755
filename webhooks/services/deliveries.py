"""Deliveries: claiming the due ones, and recording what the receivers answered.

A worker claims due deliveries of one endpoint at a time: one ``UPDATE ... RETURNING``
(its subquery ``FOR UPDATE SKIP LOCKED`` on PostgreSQL) moves each one's ``next_attempt_at``
to the end of a lease and stamps it with a claim token: other workers skip it, and if this
worker dies the delivery is due again when the lease ends (at least once, never lost).
Nothing is held open during the HTTP request. The answer is recorded only while the claim
still holds.

Order per endpoint: only the head of each (endpoint, order) chain is ever due; recording an
answer that finishes a delivery releases the next one of its chain (``services.chains``).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

import orjson
from django.db import connection, transaction
from django.db.models import F, Field

from config import clock
from orders.models import OrderEvent
from webhooks.models import Attempt, Delivery, Endpoint
from webhooks.services.chains import chains_release
from webhooks.services.endpoints import endpoint_disable
from webhooks.services.rows import fetch, json_rows, json_table, moment, run, table_of
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


@dataclass(frozen=True)
class Claimed:
    """A claimed delivery with what its request is made of (plain values, no model)."""

    id: uuid.UUID
    claim: uuid.UUID
    event_type: str
    identity: dict[str, Any] | None
    event: dict[str, Any]


def due(endpoint_id: uuid.UUID, now: datetime):
    """The endpoint's due deliveries, oldest first (one range of a partial index)."""
    return Delivery.objects.filter(
        endpoint_id=endpoint_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now
    ).order_by("next_attempt_at")


def deliveries_claim(*, endpoint_id: uuid.UUID, limit: int, lease: timedelta) -> list[Claimed]:
    """Claim up to ``limit`` due deliveries of one endpoint, with their events."""
    now = clock.now()
    if limit <= 0:
        return []
    if connection.vendor == "sqlite" and not due(endpoint_id, now).exists():
        return []  # idle: SQLite would take its write lock for the statement below
    token = uuid.uuid4()
    rows = claim_due(endpoint_id, now=now, until=now + lease, token=token, limit=limit)
    # The bodies come as text, parsed by orjson: the stdlib decoder of JSONField costs more
    # than the rest of the claim for an order-sized body.
    uuid_of = column("id").to_python
    return [
        Claimed(
            uuid_of(pk),
            token,
            event_type,
            orjson.loads(identity) if identity is not None else None,
            orjson.loads(body),
        )
        for pk, event_type, identity, body in rows
    ]


def claim_due(
    endpoint_id: uuid.UUID, *, now: datetime, until: datetime, token: uuid.UUID, limit: int
) -> list[tuple[Any, str, str | None, str]]:
    """One statement: stamp up to ``limit`` due deliveries with ``token`` and lease them until
    ``until``; each one's ``(id, event type, identity, event body)``, the JSON ones as text.
    The ORM has no ``UPDATE ... RETURNING``; the row lock of the subquery (``SKIP LOCKED``)
    keeps two workers from claiming the same delivery, and on SQLite the statement holds the
    database's one write lock."""
    table, events = table_of(Delivery), table_of(OrderEvent)
    lock = (
        " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    )
    sql = (
        f"UPDATE {table} SET claim = %s, next_attempt_at = %s WHERE id IN ("
        f"SELECT id FROM {table} WHERE endpoint_id = %s AND status = %s"
        f" AND next_attempt_at <= %s ORDER BY next_attempt_at LIMIT %s{lock})"
        f" RETURNING id, event_type, CAST(identity AS text),"
        f" (SELECT CAST(e.body AS text) FROM {events} e WHERE e.id = {table}.event_id)"
    )
    params = [
        column("claim").get_db_prep_value(token, connection),
        column("next_attempt_at").get_db_prep_value(until, connection),
        column("endpoint").get_db_prep_value(endpoint_id, connection),
        Delivery.Status.PENDING.value,
        column("next_attempt_at").get_db_prep_value(now, connection),
        limit,
    ]
    return fetch(sql, params)


def column(name: str) -> Field:
    """A concrete field of ``Delivery``: how it writes and reads its column on this database."""
    return cast(Field, Delivery._meta.get_field(name))


class Recorded(NamedTuple):
    applied: int  # answers that counted (their claim still held)
    released: int  # next deliveries of their orders now due


def outcomes_record(outcomes: list[Outcome]) -> Recorded:
    """Record a batch of answers in one transaction.

    Successes (nearly all of them) are written by one bulk update; failures, which move
    endpoints (retry, 410, the 5-day rule), one by one."""
    if not outcomes:
        return Recorded(0, 0)
    now = clock.now()  # one moment for the batch: its deliveries are saved together
    with transaction.atomic():
        rows = deliveries_lock([o.delivery_id for o in outcomes])
        # An answer whose delivery was deleted with its endpoint is dropped; one that comes
        # after its lease ran out (another worker claimed it again) is logged but not applied.
        attempts_add([o for o in outcomes if o.delivery_id in rows])
        current = [
            o
            for o in outcomes
            if o.delivery_id in rows
            and rows[o.delivery_id][0] == o.claim
            and rows[o.delivery_id][1] == Delivery.Status.PENDING
        ]
        delivered = [o.delivery_id for o in current if o.ok]
        deliveries_delivered(delivered, now=now)
        endpoints_recovered({rows[pk][2] for pk in delivered if rows[pk][4] is not None})
        failed = failures_record([o for o in current if not o.ok], now=now)
        done = {pk for pk, row in rows.items() if row[1] != Delivery.Status.PENDING}
        done |= set(delivered) | failed
        released = chains_release({(rows[pk][2], rows[pk][3]) for pk in done}, now=now)
    return Recorded(len(current), released)


def deliveries_lock(ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple]:
    """Lock the deliveries ``ids`` (in primary-key order, as ``chains_append`` locks: no
    deadlock between them): ``{id: (claim, status, endpoint id, order id, the endpoint's
    failing_since)}`` of those that still exist."""
    lock = " FOR UPDATE OF d" if connection.features.has_select_for_update_of else ""
    found = fetch(
        f"SELECT d.id, d.claim, d.status, d.endpoint_id, d.order_id, e.failing_since"
        f" FROM {table_of(Delivery)} d JOIN {table_of(Endpoint)} e ON e.id = d.endpoint_id"
        f" WHERE d.id IN (SELECT id FROM {json_table(ID_COLUMNS)}) ORDER BY d.id{lock}",
        [json_rows([(pk.hex,) for pk in ids])],
    )
    uuid_of = column("id").to_python
    return {
        uuid_of(pk): (uuid_of(claim), status, uuid_of(endpoint_id), uuid_of(order_id), failing)
        for pk, claim, status, endpoint_id, order_id, failing in found
    }


ID_COLUMNS = [("id", "uuid")]
ATTEMPT_COLUMNS = [
    ("delivery_id", "uuid"),
    ("at", "timestamptz"),
    ("http_status", "int"),
    ("error", "text"),
    ("duration_ms", "int"),
    ("response_excerpt", "text"),
]


def attempts_add(outcomes: list[Outcome]) -> None:
    """One attempt-log row per answer, in one statement."""
    if not outcomes:
        return
    names = ", ".join(name for name, _ in ATTEMPT_COLUMNS)
    rows = [
        (
            o.delivery_id.hex,
            moment(o.at),
            o.http_status,
            o.error[:300],
            o.duration_ms,
            o.excerpt,
        )
        for o in outcomes
    ]
    run(
        f"INSERT INTO {table_of(Attempt)} ({names})"
        f" SELECT {names} FROM {json_table(ATTEMPT_COLUMNS)}",
        [json_rows(rows)],
    )


def deliveries_delivered(ids: list[uuid.UUID], *, now: datetime) -> None:
    if not ids:
        return
    run(
        f"UPDATE {table_of(Delivery)} SET status = %s, attempts = attempts + 1,"
        f" next_attempt_at = NULL, claim = NULL, updated_date = %s"
        f" WHERE id IN (SELECT id FROM {json_table(ID_COLUMNS)})",
        [Delivery.Status.DELIVERED.value, moment(now), json_rows([(pk.hex,) for pk in ids])],
    )


def endpoints_recovered(endpoint_ids: set[uuid.UUID]) -> None:
    """A delivery got through: the endpoint is no longer failing."""
    if endpoint_ids:
        Endpoint.objects.filter(pk__in=endpoint_ids).update(failing_since=None)


def failures_record(outcomes: list[Outcome], *, now: datetime) -> set[uuid.UUID]:
    """Apply failed answers (retry, or finish); the ids of the deliveries they finished."""
    if not outcomes:
        return set()
    by_id = {
        d.pk: d
        for d in Delivery.objects.select_related("endpoint").filter(
            pk__in=[o.delivery_id for o in outcomes]
        )
    }
    endpoints: dict[uuid.UUID, Endpoint] = {}
    for outcome in outcomes:
        delivery = by_id[outcome.delivery_id]
        # One instance per endpoint: a disabling seen by one answer holds for the next.
        delivery.endpoint = endpoints.setdefault(delivery.endpoint_id, delivery.endpoint)
        outcome_apply(delivery, outcome, now=now)
    deliveries_save(list(by_id.values()))
    return {pk for pk, d in by_id.items() if d.status != Delivery.Status.PENDING}


def deliveries_save(deliveries: list[Delivery]) -> None:
    """Write what ``outcome_apply`` changed: one UPDATE per outcome that ended alike, as each
    answer adds exactly one attempt."""
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


def outcome_apply(delivery: Delivery, outcome: Outcome, *, now: datetime) -> None:
    """Move the delivery (unsaved; its endpoint saved) on after one failed answer."""
    delivery.attempts += 1
    delivery.claim = None
    delivery.updated_date = now
    endpoint = delivery.endpoint
    if outcome.http_status == 410:
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
