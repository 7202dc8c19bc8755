"""What an action would do to an order, for confirmation pages and buttons: the declared
action's check and transition (``orders.actions``), applied to an in-memory copy that is never
written.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from accounts.actors import Actor
from config import clock
from orders.actions import OrderAction, action_named
from orders.errors import IllegalTransition
from orders.models import Order
from orders.services import schedule
from orders.services.changes import Changes


@dataclass(frozen=True)
class ActionPreview:
    allowed: bool
    reason: str
    status_after: str
    end_date_after: datetime | None
    cancel_date: datetime | None
    code: str = ""


def order_action_preview(
    order: Order, action: OrderAction | str, *, actor: Actor | None = None, **args: Any
) -> ActionPreview:
    """Whether ``action`` (a declared action or its name) is allowed now, and the status and
    dates it would leave. ``ValueError`` for a name no action has."""
    if isinstance(action, str):
        try:
            action = action_named(action)
        except KeyError:
            raise ValueError(f"unknown order action: {action}") from None
    actor = actor or Actor.system("preview")
    draft = copy.copy(order)
    schedule.pauses_set(draft, [copy.copy(p) for p in schedule.pauses_of(order)])
    try:
        action.check(draft, **args)
    except IllegalTransition as refusal:
        return ActionPreview(
            False, refusal.message, order.status, order.end_date, None, refusal.code
        )
    action.apply(draft, Changes(clock.now(), dry_run=True), actor=actor, **args)
    return ActionPreview(
        True, "", draft.status, draft.end_date, draft.end_date if _cancels(order, draft) else None
    )


def _cancels(before: Order, after: Order) -> bool:
    """Whether the change requested a cancellation (its date is then the end date)."""
    fields = ("cancellation_cause", "cancellation_effective_at", "cancellation_requested_date")
    return any(getattr(before, name) != getattr(after, name) for name in fields)
