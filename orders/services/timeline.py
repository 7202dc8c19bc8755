"""The order timeline: one entry per change, with who made it and the status before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accounts.actors import Actor
from config import clock
from orders.models import Order, OrderTimelineEntry


def timeline_entry(
    order: Order,
    *,
    actor: Actor,
    action: str,
    status_before: str = "",
    status_after: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> OrderTimelineEntry:
    """The entry, unsaved: the clock writes a whole batch's entries in one insert."""
    return OrderTimelineEntry(
        order=order,
        at=at or clock.now(),
        actor_kind=actor.kind.value,
        actor_id=str(actor.id)[:64],
        actor_label=str(actor.label)[:150],
        action=action,
        status_before=status_before,
        status_after=status_after,
        reason=reason[:300],
        data=data or {},
    )


def timeline_append(
    order: Order,
    *,
    actor: Actor,
    action: str,
    status_before: str = "",
    status_after: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> OrderTimelineEntry:
    """Record one change of ``order``; call it inside the change's transaction."""
    entry = timeline_entry(
        order,
        actor=actor,
        action=action,
        status_before=status_before,
        status_after=status_after,
        reason=reason,
        data=data,
    )
    entry.save()
    return entry
