"""The 13 Wix order events, written to the outbox in the transaction of the change.

Each event carries the order as it is after the change (the REST form of
``orders.wire.order_to_wire``) and the order's next ``sequence`` (1, 2, 3 ... with no gaps:
``Order.last_event_sequence`` is bumped on the locked order row, and saved with it).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from config import clock
from orders.models import Order, OrderEvent
from orders.wire import order_to_wire, timestamp

ENTITY_FQDN = "wix.pricing_plans.v2.order"
PREFIX = "wix.pricing_plans.v2.order_"

# slug -> how the domain event carries its body (contract section 5).
SLUGS: dict[str, str] = {
    "created": "createdEvent",
    "updated": "updatedEvent",
    "purchased": "actionEvent",
    "started": "actionEvent",
    "cycle_started": "actionEvent",
    "auto_renew_canceled": "actionEvent",
    "canceled": "actionEvent",
    "ended": "actionEvent",
    "end_date_postponed": "actionEvent",
    "marked_as_paid": "actionEvent",
    "paused": "actionEvent",
    "resumed": "actionEvent",
    "start_date_changed": "actionEvent",
}
EVENT_TYPES: tuple[str, ...] = tuple(PREFIX + slug for slug in SLUGS)


def slug_of(event_type: str) -> str:
    """``paused`` or ``wix.pricing_plans.v2.order_paused`` -> ``paused``."""
    slug = event_type.removeprefix(PREFIX)
    if slug not in SLUGS:
        raise ValueError(f"unknown order event type: {event_type}")
    return slug


def order_body(order: Order) -> dict[str, Any]:
    return order_to_wire(order)


def build_event(
    order: Order,
    event_type: str,
    *,
    extra: dict[str, Any] | None = None,
    entity: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> OrderEvent:
    """The next event of ``order``, unsaved. ``entity`` reuses an already rendered order."""
    slug = slug_of(event_type)
    entity = entity if entity is not None else order_body(order)
    order.last_event_sequence += 1
    event_id = uuid.uuid4()
    at = at or clock.now()
    kind = SLUGS[slug]
    if kind == "createdEvent":
        payload: dict[str, Any] = {"entity": entity}
    elif kind == "updatedEvent":
        payload = {"currentEntity": entity}
    else:
        payload = {"body": {"order": entity, **(extra or {})}}
    body = {
        "id": str(event_id),
        "entityFqdn": ENTITY_FQDN,
        "slug": slug,
        "entityId": str(order.pk),
        "eventTime": timestamp(at),
        "entityEventSequence": str(order.last_event_sequence),
        kind: payload,
    }
    return OrderEvent(
        id=event_id,
        order=order,
        sequence=order.last_event_sequence,
        event_type=PREFIX + slug,
        slug=slug,
        body=body,
        created_date=at,
    )
