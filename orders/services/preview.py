"""What an action would do to an order, for confirmation pages: the same guard and transition
as the real service, applied to an in-memory copy that is never written.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime

from accounts.actors import Actor
from config import clock
from orders.errors import IllegalTransition
from orders.models import CancellationEffectiveAt, Order
from orders.services import rules, schedule, transitions
from orders.services.changes import Changes


@dataclass(frozen=True)
class ActionPreview:
    allowed: bool
    reason: str
    status_after: str
    end_date_after: datetime | None
    cancel_date: datetime | None
    code: str = ""


def _cancel(order: Order, changes: Changes, *, actor: Actor, effective_at: str) -> None:
    cause = transitions.cause_of(actor)
    if effective_at == CancellationEffectiveAt.IMMEDIATELY:
        transitions.cancel_now(order, changes, actor=actor, cause=cause)
    else:
        transitions.cancel_at_cycle_end(order, changes, actor=actor, cause=cause)


ACTIONS = {
    "pause": (rules.guard_pause, transitions.pause),
    "resume": (rules.guard_resume, transitions.resume),
    "postpone_end_date": (rules.guard_postpone_end_date, transitions.postpone),
    "cancel": (rules.guard_cancel, _cancel),
    "end_now": (rules.guard_end_now, transitions.end_now),
    "mark_paid": (rules.guard_mark_paid, transitions.mark_paid),
}
# What each action takes besides the order, filled in when the caller leaves it out.
DEFAULTS = {"end_now": {"reason": ""}, "mark_paid": {"invoices": ()}}
STEP_ONLY = {"reason", "invoices"}


def order_action_preview(
    order: Order, action: str, *, actor: Actor | None = None, **args
) -> ActionPreview:
    """Whether ``action`` (``pause``, ``resume``, ``postpone_end_date``, ``cancel``,
    ``end_now``, ``mark_paid``) is allowed now, and the status and dates it would leave."""
    if action not in ACTIONS:
        raise ValueError(f"unknown order action: {action}")
    guard, step = ACTIONS[action]
    args = {**DEFAULTS.get(action, {}), **args}
    actor = actor or Actor.system("preview")
    draft = copy.copy(order)
    schedule.pauses_set(draft, [copy.copy(p) for p in schedule.pauses_of(order)])
    try:
        guard(draft, **{k: v for k, v in args.items() if k not in STEP_ONLY})
    except IllegalTransition as refusal:
        return ActionPreview(
            False, refusal.message, order.status, order.end_date, None, refusal.code
        )
    step(draft, Changes(clock.now(), dry_run=True), actor=actor, **args)
    cancel_date = draft.end_date if action == "cancel" else None
    return ActionPreview(True, "", draft.status, draft.end_date, cancel_date)
