"""Per-order order per endpoint: each (endpoint, order) pair is a chain of deliveries.

Only the head of a chain is due; the deliveries behind it wait with no ``next_attempt_at``
(and so cost nothing to the claim query, whatever the backlog). When a delivery leaves
``PENDING`` (delivered, failed, canceled), the next one of its chain is released.

Appending and releasing meet on the same rows: appending locks the chain's pending
deliveries (``FOR UPDATE``, in primary-key order), as recording an answer locks the delivery it
finishes, so a release never misses a delivery appended at the same moment (PostgreSQL
re-reads a row it waited for; SQLite serialises writers).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from webhooks.models import Delivery

Chain = tuple[uuid.UUID, uuid.UUID]  # (endpoint id, order id)


def pending_in(chains: set[Chain]):
    endpoint_ids = {endpoint for endpoint, _ in chains}
    order_ids = {order for _, order in chains}
    return Delivery.objects.filter(
        status=Delivery.Status.PENDING, endpoint_id__in=endpoint_ids, order_id__in=order_ids
    )


def chains_append(deliveries: list[Delivery], *, now: datetime) -> None:
    """Set each new (unsaved) delivery due now, or waiting behind its chain's pending ones."""
    chains = {(d.endpoint_id, d.order_id) for d in deliveries}
    if not chains:
        return
    locked = pending_in(chains).select_for_update().order_by("pk")
    busy = {chain for chain in locked.values_list("endpoint_id", "order_id") if chain in chains}
    for delivery in sorted(deliveries, key=lambda d: d.sequence):
        chain = (delivery.endpoint_id, delivery.order_id)
        delivery.next_attempt_at = None if chain in busy else now
        busy.add(chain)


def chains_release(chains: Iterable[Chain], *, now: datetime) -> int:
    """Make the head of each chain due when nothing of it is due or in flight any more."""
    chains = set(chains)
    if not chains:
        return 0
    rows = pending_in(chains).order_by("sequence", "created_date", "pk")
    heads: dict[Chain, uuid.UUID | None] = {}
    for pk, endpoint_id, order_id, due in rows.values_list(
        "pk", "endpoint_id", "order_id", "next_attempt_at"
    ):
        chain = (endpoint_id, order_id)
        if chain not in chains:
            continue
        if due is not None:
            heads[chain] = None  # its head is due or in flight already
        else:
            heads.setdefault(chain, pk)
    ready = [pk for pk in heads.values() if pk is not None]
    return Delivery.objects.filter(pk__in=ready).update(next_attempt_at=now)
