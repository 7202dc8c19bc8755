"""Actions on many orders at once, the orders' counts, and what one order allows now.

The shapes are the Wix orders typings' (contract section 6): ``BulkPauseOrder`` /
``BulkResumeOrder`` with per-item results, ``GetOrdersStats`` and
``GetAvailableOrderActions``. Each order of a bulk action goes through the one-order service
in its own transaction: one refused order leaves the others changed, and each result says
which. Available actions come from ``order_action_preview``, the guards the admin shows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from accounts.actors import Actor
from config.errors import DomainError
from orders import actions
from orders.models import Order, OrderStatus
from orders.services import lifecycle
from orders.services.preview import order_action_preview

MAX_BULK = 100


@dataclass(frozen=True)
class BulkItem:
    id: uuid.UUID
    index: int
    order: Order | None = None  # the changed order on success
    error: DomainError | None = None

    @property
    def success(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class BulkResult:
    items: list[BulkItem] = field(default_factory=list)

    @property
    def successes(self) -> int:
        return sum(1 for item in self.items if item.success)

    @property
    def failures(self) -> int:
        return len(self.items) - self.successes


def _bulk(ids: Sequence[uuid.UUID], service: Callable[..., Order], actor: Actor) -> BulkResult:
    items = []
    for index, order_id in enumerate(ids):
        try:
            items.append(BulkItem(order_id, index, order=service(order_id, actor=actor)))
        except DomainError as error:
            items.append(BulkItem(order_id, index, error=error))
    return BulkResult(items)


def orders_bulk_pause(ids: Sequence[uuid.UUID], *, actor: Actor) -> BulkResult:
    """Pause each order that may be paused; the others are reported, not changed."""
    return _bulk(ids, lifecycle.order_pause, actor)


def orders_bulk_resume(ids: Sequence[uuid.UUID], *, actor: Actor) -> BulkResult:
    """Resume each paused order; the others are reported, not changed (inverse: pause)."""
    return _bulk(ids, lifecycle.order_resume, actor)


def order_stats() -> dict[str, int]:
    """``GetOrdersStats``: every order, and those active now."""
    return {
        "totalOrderCount": Order.objects.count(),
        "activeOrderCount": Order.objects.filter(status=OrderStatus.ACTIVE).count(),
    }


# Why an order cannot be paused, in the typings' ReasonNotSuspendable terms, by its status.
NOT_SUSPENDABLE: dict[str, str] = {
    OrderStatus.DRAFT: "PENDING",
    OrderStatus.PENDING: "NOT_STARTED",
    OrderStatus.PAUSED: "ALREADY_SUSPENDED",
    OrderStatus.CANCELED: "CANCELED",
    OrderStatus.ENDED: "ENDED",
}


def order_available_actions(order: Order) -> dict[str, Any]:
    """``GetAvailableOrderActions``: whether the order may be paused (and why not), and
    whether its buyer may cancel it, by the same previews the admin's buttons use."""
    pause = order_action_preview(order, actions.PAUSE, actor=Actor.system("available actions"))
    cancel = order_action_preview(order, actions.CANCEL_NOW, actor=Actor.member(order.buyer))
    reply: dict[str, Any] = {"suspendable": pause.allowed, "cancelableByBuyer": cancel.allowed}
    if not pause.allowed:
        trial = pause.code == "ORDER_IN_FREE_TRIAL"
        reply["notSuspendableReason"] = "TRIAL" if trial else NOT_SUSPENDABLE[order.status]
    return reply
