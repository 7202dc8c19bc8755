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

from typing import Any

from django.db import transaction

from accounts.actors import ActorKind
from accounts.models import User
from config import clock
from orders.models import OrderEvent, OrderTimelineEntry
from webhooks.models import Delivery, Endpoint, Installation
from webhooks.services.chains import chains_append
from webhooks.services.keys import instance_id

BATCH = 2000


def events_fan_out(*, limit: int = BATCH) -> int:
    """Fan out up to ``limit`` events; returns how many were claimed."""
    if not OrderEvent.objects.filter(relayed_date__isnull=True).exists():
        return 0  # idle: no write lock taken (SQLite takes it for any transaction)
    with transaction.atomic():
        if not fan_out_turn():
            return 0  # another worker is fanning out right now
        events = list(
            OrderEvent.objects.select_for_update(skip_locked=True)
            .filter(relayed_date__isnull=True)
            .order_by("created_date", "sequence")
            .only("id", "order_id", "sequence", "event_type", "created_date")[:limit]
        )
        if not events:
            return 0
        now = clock.now()
        endpoints = list(Endpoint.objects.filter(enabled=True))
        pairs = [(event, ep) for event in events for ep in endpoints if ep.wants(event)]
        deliveries = deliveries_of(pairs, now=now)
        chains_append(deliveries, now=now)
        Delivery.objects.bulk_create(deliveries)
        OrderEvent.objects.filter(pk__in=[e.pk for e in events]).update(relayed_date=now)
    return len(events)


def fan_out_turn() -> bool:
    """Take the fan-out turn for this transaction (a lock on the one Installation row)."""
    turn = Installation.objects.select_for_update(skip_locked=True).filter(pk=1)
    if turn.exists():
        return True
    if Installation.objects.filter(pk=1).exists():
        return False  # locked: another worker has the turn
    instance_id()  # the very first fan-out makes the row
    return turn.exists()


def deliveries_of(pairs: list[tuple[OrderEvent, Endpoint]], *, now: Any) -> list[Delivery]:
    """Unsaved deliveries, one per (event, endpoint); ``chains_append`` says when each is due."""
    if not pairs:
        return []
    identities = event_identities([event for event, _ in pairs])
    return [
        Delivery(
            endpoint=endpoint,
            event_id=event.pk,
            order_id=event.order_id,
            sequence=event.sequence,
            event_type=event.event_type,
            identity=identities.get(event.pk),
            created_date=now,
            updated_date=now,
        )
        for event, endpoint in pairs
    ]


def event_identities(events: list[OrderEvent]) -> dict[Any, dict[str, str]]:
    """Who made each event's change, as the Wix ``identity``: read from the timeline entry
    written with it (same order, same moment); none for the clock and for commands."""
    entries = OrderTimelineEntry.objects.filter(
        order_id__in={e.order_id for e in events}, at__in={e.created_date for e in events}
    ).values_list("order_id", "at", "actor_kind", "actor_id")
    actors: dict[tuple, tuple[str, str]] = {}
    for order_id, at, kind, actor_id in entries:
        actors.setdefault((order_id, at), (kind, actor_id))
    owner_ids = {a for k, a in actors.values() if k == ActorKind.OWNER and a.isdigit()}
    owners = dict(User.objects.filter(pk__in=owner_ids).values_list("pk", "member_id"))
    found: dict[Any, dict[str, str]] = {}
    for event in events:
        kind, actor_id = actors.get((event.order_id, event.created_date), ("", ""))
        identity = identity_of(kind, actor_id, owners)
        if identity is not None:
            found[event.pk] = identity
    return found


def identity_of(kind: str, actor_id: str, owners: dict[int, Any]) -> dict[str, str] | None:
    if kind == ActorKind.APP:
        return {"identityType": "APP", "appId": actor_id}
    if kind == ActorKind.MEMBER:
        return {"identityType": "MEMBER", "memberId": actor_id}
    if kind == ActorKind.OWNER and actor_id.isdigit() and int(actor_id) in owners:
        return {"identityType": "WIX_USER", "wixUserId": str(owners[int(actor_id)])}
    return None
