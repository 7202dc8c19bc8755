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
from webhooks.services.rows import json_rows, json_table, moment, run, table_of

Chain = tuple[uuid.UUID, uuid.UUID]  # (endpoint id, order id)
CHAIN_COLUMNS = [("endpoint_id", "uuid"), ("order_id", "uuid")]


def pending_in(chains: set[Chain]):
    endpoint_ids = {endpoint for endpoint, _ in chains}
    order_ids = {order for _, order in chains}
    return Delivery.objects.filter(
        status=Delivery.Status.PENDING, endpoint_id__in=endpoint_ids, order_id__in=order_ids
    )


def chains_append(new: list[tuple[Chain, int]]) -> list[bool]:
    """For each new delivery, not yet written, as ``(chain, sequence)``: whether it is due now
    (the head of its chain) rather than waiting behind the chain's pending ones."""
    chains = {chain for chain, _ in new}
    if not chains:
        return []
    locked = pending_in(chains).select_for_update().order_by("pk")
    busy = {chain for chain in locked.values_list("endpoint_id", "order_id") if chain in chains}
    due = [False] * len(new)
    for i in sorted(range(len(new)), key=lambda i: new[i][1]):
        due[i] = new[i][0] not in busy
        busy.add(new[i][0])
    return due


def chains_release(chains: Iterable[Chain], *, now: datetime) -> int:
    """Make the head of each chain due when nothing of it is due or in flight any more: one
    statement, whatever the number of chains (window functions: PostgreSQL, SQLite 3.25+)."""
    pairs = [(endpoint.hex, order.hex) for endpoint, order in set(chains)]
    if not pairs:
        return 0
    table, chain = table_of(Delivery), "PARTITION BY endpoint_id, order_id"
    return run(
        f"UPDATE {table} SET next_attempt_at = %s WHERE id IN ("
        f"SELECT id FROM (SELECT id,"
        f" ROW_NUMBER() OVER ({chain} ORDER BY sequence, created_date, id) AS place,"
        f" COUNT(next_attempt_at) OVER ({chain}) AS busy"
        f" FROM {table} WHERE status = %s AND (endpoint_id, order_id) IN"
        f" (SELECT endpoint_id, order_id FROM {json_table(CHAIN_COLUMNS)})) AS pending"
        f" WHERE place = 1 AND busy = 0)",
        [moment(now), Delivery.Status.PENDING.value, json_rows(pairs)],
    )
