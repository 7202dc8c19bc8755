"""Free trials: who may still have one, and what a buyer's cancellation during one does.

The Wix docs: "the buyer may continue using the benefits until the end of the free trial
period", and a member gets a plan's free trial once ("check if user is eligible for trial").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from accounts.actors import Actor, ActorKind
from accounts.models import User
from orders.models import Order, OrderStatus, Plan
from orders.services import transitions
from orders.services.changes import Changes


@dataclass(frozen=True)
class TrialEligibility:
    """What a buyer would get of a plan's free trial if they ordered it now."""

    eligible: bool  # the plan has a free trial and the buyer has not had this plan before
    free_trial_days: int | None  # the days they would get; None: the order starts paid


def trial_eligibility(*, plan: Plan, buyer: User | None) -> TrialEligibility:
    """Whether ``buyer`` gets ``plan``'s free trial: once per member and plan.

    A selector for checkout, previews and the member pages alike, so all show the same thing.
    Any earlier order of the plan that was bought (it started, or waits for its start) uses
    the trial up; a draft never paid does not. An unknown buyer (a preview for no one) would
    get it.
    """
    days = plan.free_trial_days if plan.is_recurring else None
    if not days:
        return TrialEligibility(False, None)
    if buyer is not None and buyer.pk is not None and trial_used(plan=plan, buyer=buyer):
        return TrialEligibility(False, None)
    return TrialEligibility(True, days)


def trial_used(*, plan: Plan, buyer: User) -> bool:
    """``buyer`` already had an order of ``plan`` past checkout (any status since)."""
    bought = Q(current_cycle_index__isnull=False) | Q(status=OrderStatus.PENDING)
    return Order.objects.filter(bought, buyer=buyer, plan=plan).exists()


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
