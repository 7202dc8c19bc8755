"""Fan-out: each committed order event becomes one delivery per subscribed endpoint, once.

The outbox's own cursor is ``OrderEvent.relayed_date``: a worker claims events not yet fanned
out (``FOR UPDATE SKIP LOCKED``), inserts their deliveries and marks them relayed in one
transaction. An event that was rolled back was never committed, so it is never seen.

One worker fans out at a time (the others skip the turn: it is one quick insert), in the
order events were written: an order's events commit in sequence order, so when an event is
fanned out the earlier ones of its order already are, and each new delivery can be put at the
end of its (endpoint, order) chain (``services.chains``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, NamedTuple

from django.db import transaction

from accounts.actors import ActorKind
from accounts.models import User
from config import clock
from orders.models import OrderEvent, OrderTimelineEntry
from webhooks.models import Delivery, Endpoint, Installation
from webhooks.services.chains import chains_append
from webhooks.services.keys import instance_id
from webhooks.services.rows import fetch, json_rows, json_table, moment, run, table_of

BATCH = 2000
EVENT_FIELDS = ("id", "order_id", "sequence", "event_type", "created_date")


class EventRow(NamedTuple):
    """What fan-out and replay read of an event (``values_list(*EVENT_FIELDS, named=True)``)."""

    id: uuid.UUID
    order_id: uuid.UUID
    sequence: int
    event_type: str
    created_date: datetime


def events_fan_out(*, limit: int = BATCH) -> int:
    """Fan out up to ``limit`` events; returns how many were claimed."""
    if not OrderEvent.objects.filter(relayed_date__isnull=True).exists():
        return 0  # idle: no write lock taken (SQLite takes it for any transaction)
    with transaction.atomic():
        if not fan_out_turn():
            return 0  # another worker is fanning out right now
        events: list[EventRow] = list(
            OrderEvent.objects.select_for_update(skip_locked=True)
            .filter(relayed_date__isnull=True)
            .order_by("created_date", "sequence")
            .values_list(*EVENT_FIELDS, named=True)[:limit]
        )
        if not events:
            return 0
        now = clock.now()
        endpoints = list(Endpoint.objects.filter(enabled=True))
        deliveries_add(
            [(event, ep) for event in events for ep in endpoints if ep.wants(event)], now=now
        )
        events_relayed([event.id for event in events], now=now)
    return len(events)


def events_relayed(ids: list[uuid.UUID], *, now: datetime) -> None:
    run(
        f"UPDATE {table_of(OrderEvent)} SET relayed_date = %s"
        f" WHERE id IN (SELECT id FROM {json_table([('id', 'uuid')])})",
        [moment(now), json_rows([(pk.hex,) for pk in ids])],
    )


def fan_out_turn() -> bool:
    """Take the fan-out turn for this transaction (a lock on the one Installation row)."""
    turn = Installation.objects.select_for_update(skip_locked=True).filter(pk=1)
    if turn.exists():
        return True
    if Installation.objects.filter(pk=1).exists():
        return False  # locked: another worker has the turn
    instance_id()  # the very first fan-out makes the row
    return turn.exists()


DELIVERY_COLUMNS = [
    ("id", "uuid"),
    ("endpoint_id", "uuid"),
    ("event_id", "uuid"),
    ("order_id", "uuid"),
    ("sequence", "int"),
    ("event_type", "text"),
    ("identity", "jsonb"),
    ("due", "bool"),
]


def deliveries_add(pairs: list[tuple[EventRow, Endpoint]], *, now: datetime) -> int:
    """Write one delivery per (event, endpoint), due now at the head of its (endpoint, order)
    chain or waiting behind it (``chains_append``), in one statement; returns how many."""
    if not pairs:
        return 0
    identities = event_identities([event for event, _ in pairs])
    due = chains_append([((ep.pk, event.order_id), event.sequence) for event, ep in pairs])
    rows = [
        (
            uuid.uuid4().hex,
            ep.pk.hex,
            event.id.hex,
            event.order_id.hex,
            event.sequence,
            event.event_type,
            identities.get(event.id),
            is_due,
        )
        for (event, ep), is_due in zip(pairs, due, strict=True)
    ]
    names = ", ".join(name for name, _ in DELIVERY_COLUMNS[:-1])
    run(
        f"INSERT INTO {table_of(Delivery)} ({names}, status, attempts, next_attempt_at, claim,"
        f" created_date, updated_date) SELECT {names}, %s, 0,"
        f" CASE WHEN due THEN %s END, NULL, %s, %s FROM {json_table(DELIVERY_COLUMNS)}",
        [Delivery.Status.PENDING.value, moment(now), moment(now), moment(now), json_rows(rows)],
    )
    return len(rows)


CHANGE_COLUMNS = [("i", "int"), ("order_id", "uuid"), ("at", "timestamptz")]


def event_identities(events: list[EventRow]) -> dict[Any, dict[str, str]]:
    """Who made each event's change, as the Wix ``identity``: read from the timeline entry
    written with it (same order, same moment); none for the clock and for commands."""
    changes = list(dict.fromkeys((e.order_id, e.created_date) for e in events))
    entries = fetch(
        f"SELECT w.i, t.actor_kind, t.actor_id FROM {table_of(OrderTimelineEntry)} t"
        f" JOIN {json_table(CHANGE_COLUMNS, alias='w')}"
        f" ON t.order_id = w.order_id AND t.at = w.at",
        [json_rows([(i, order.hex, moment(at)) for i, (order, at) in enumerate(changes)])],
    )
    actors: dict[tuple, tuple[str, str]] = {}
    for i, kind, actor_id in entries:
        actors.setdefault(changes[i], (kind, actor_id))
    owner_ids = {a for k, a in actors.values() if k == ActorKind.OWNER and a.isdigit()}
    owners = dict(User.objects.filter(pk__in=owner_ids).values_list("pk", "member_id"))
    found: dict[Any, dict[str, str]] = {}
    for event in events:
        kind, actor_id = actors.get((event.order_id, event.created_date), ("", ""))
        identity = identity_of(kind, actor_id, owners)
        if identity is not None:
            found[event.id] = identity
    return found


def identity_of(kind: str, actor_id: str, owners: dict[int, Any]) -> dict[str, str] | None:
    if kind == ActorKind.APP:
        return {"identityType": "APP", "appId": actor_id}
    if kind == ActorKind.MEMBER:
        return {"identityType": "MEMBER", "memberId": actor_id}
    if kind == ActorKind.OWNER and actor_id.isdigit() and int(actor_id) in owners:
        return {"identityType": "WIX_USER", "wixUserId": str(owners[int(actor_id)])}
    return None
