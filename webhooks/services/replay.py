"""Replay: new deliveries of chosen events to one endpoint, signed afresh (contract section 4).

A replay supersedes the deliveries of those events still pending for that endpoint (they are
canceled), and the new ones go out in sequence order per order like any others.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from accounts.models import App
from config import clock
from config.errors import FieldError
from orders.models import OrderEvent
from webhooks.errors import EndpointDisabled, EventNotFound
from webhooks.models import Delivery
from webhooks.services.endpoints import deliveries_cancel, endpoint_get
from webhooks.services.fanout import EVENT_FIELDS, EventRow, deliveries_add

MAX_REPLAY = 10_000


def webhook_replay(
    endpoint_id: uuid.UUID | str,
    *,
    app: App | None,
    event_ids: Iterable[uuid.UUID] | None = None,
    order_id: uuid.UUID | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    only_failed: bool = False,
) -> int:
    """Queue the events (by id, of one order, or written in ``[since, until)``) again for the
    endpoint; ``only_failed`` skips those it already received. Returns how many."""
    endpoint = endpoint_get(endpoint_id, app=app)
    if not endpoint.enabled:
        raise EndpointDisabled()
    events = OrderEvent.objects.filter(relayed_date__isnull=False)
    if event_ids is not None:
        wanted = set(event_ids)
        events = events.filter(pk__in=wanted)
        if events.count() != len(wanted):
            raise EventNotFound()
    else:
        if order_id is not None:
            events = events.filter(order_id=order_id)
        else:
            events = events.filter(created_date__gte=since, created_date__lt=until or clock.now())
        if endpoint.event_types:
            events = events.filter(event_type__in=endpoint.event_types)
        if only_failed:
            delivered = Delivery.objects.filter(
                endpoint=endpoint, status=Delivery.Status.DELIVERED
            ).values("event_id")
            events = events.exclude(pk__in=delivered)
    chosen: list[EventRow] = list(
        events.order_by("created_date", "sequence").values_list(*EVENT_FIELDS, named=True)[
            : MAX_REPLAY + 1
        ]
    )
    if len(chosen) > MAX_REPLAY:
        raise FieldError("since", f"matches more than {MAX_REPLAY} events: narrow the range.")
    return deliveries_queue(endpoint, chosen)


@transaction.atomic
def deliveries_queue(endpoint, events: list[EventRow]) -> int:
    deliveries_cancel(endpoint_id=endpoint.pk, event_ids=[e.id for e in events])
    return deliveries_add([(event, endpoint) for event in events], now=clock.now())
