"""Free trials: who may still have one, and what a buyer's cancellation during one does.

The Wix docs: "the buyer may continue using the benefits until the end of the free trial
period", and a member gets a plan's free trial once ("check if user is eligible for trial").
"""

from __future__ import annotations

from accounts.actors import Actor, ActorKind
from orders.models import Order, OrderStatus
from orders.services import transitions
from orders.services.changes import Changes


def in_free_trial(order: Order) -> bool:
    """Started and still in cycle 0, the trial: nothing has been billed yet."""
    return order.status == OrderStatus.ACTIVE and order.current_cycle_index == 0


def cancel_now_unless_in_trial(
    order: Order, changes: Changes, *, actor: Actor, cause: str = "", reason: str = ""
) -> None:
    """Cancel now; but a buyer who cancels during the free trial keeps the plan to the trial's
    end, where it ends, never billed (as ``NEXT_PAYMENT_DATE`` does; already set so, nothing
    more happens). The owner's and the system's cancellations end it at once."""
    if actor.kind == ActorKind.MEMBER and in_free_trial(order):
        if not order.auto_renew_canceled:
            transitions.cancel_at_cycle_end(order, changes, actor=actor, cause=cause)
        return
    transitions.cancel_now(order, changes, actor=actor, cause=cause, reason=reason)
