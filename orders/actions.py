"""Every action on an order, declared once: where it may start, what it checks, what it does, and
how each interface words it (as Oscar declares its transitions as data).

An entry holds:

- ``allowed``: the statuses the action starts from, the one source of that fact; any other
  status is refused with the code ``refusals`` names for it (else ``refusal``);
- ``guard``: the rest of what the order must be (``orders.services.rules``), given the
  arguments named in ``guard_args``;
- ``step``: the transition (``orders.services.transitions``), applied in memory to the locked
  order and given every argument of ``args``;
- ``labels``: the admin button and its result, the member button and its message, the
  confirmation sentence, and the timeline entry the step writes.

Who reads it: ``orders.services.lifecycle.order_act`` (lock, check, step, write) behind every
lifecycle service; ``orders.services.preview.order_action_preview`` (the same check and step
on a copy); the admin's order actions and buttons (entries with ``admin=True``); the member's
order page (entries with a ``labels.member`` button); the API views, which name their entry.

How to add an action: write its guard in ``rules.py`` (only what the status does not decide)
and its transition in ``transitions.py``; add one ``OrderAction`` below and put it in
``ACTIONS``; give it ``admin=True`` or a member label to offer it there, or name it from the API
view that performs it. Then add tests: the service's effect and each refusal, and extend
``tests/orders/test_actions.py`` only if the new action needs a factory the property test
lacks. Nothing else lists actions: the admin, the member page, the preview and the docs
table (``docs/lifecycle.md``) follow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from accounts.actors import Actor
from orders.errors import IllegalTransition
from orders.models import CLOSED, CancellationEffectiveAt, Order, OrderStatus
from orders.services import rules, transitions, trials
from orders.services.changes import Changes

S = OrderStatus
ALREADY_ENDED = "ORDER_ALREADY_ENDED"
NOT_STARTED = "ORDER_NOT_STARTED"


@dataclass(frozen=True)
class Labels:
    """How people see an action."""

    title: str  # the admin button and page title: "Pause"
    done: str  # after "3 orders": "paused"
    refused_as: str  # in a refusal: "Only an active order can be {refused_as}."
    timeline: str  # the timeline entry the step writes: "paused"
    confirm: str = ""  # the confirmation page's question
    member: str = ""  # the member's button; empty: not offered on member pages
    member_done: str = ""  # what the member is told once it is done


@dataclass(frozen=True, eq=False)  # each entry is one object: compared and hashed by identity
class OrderAction:
    name: str
    allowed: frozenset[str]
    step: Callable[..., None]
    labels: Labels
    refusal: str = "ORDER_NOT_ACTIVE"
    refusals: Mapping[str, str] = field(default_factory=dict)
    guard: Callable[..., None] | None = None
    guard_args: tuple[str, ...] = ()
    args: tuple[str, ...] = ()  # what the caller supplies besides the order and actor
    admin: bool = False  # offered as an admin action (on the list and the order page)

    def refusal_for(self, status: str) -> str:
        return self.refusals.get(status, self.refusal)

    def check(self, order: Order, **args: Any) -> None:
        """Raise ``IllegalTransition`` unless the action may be applied to ``order`` now."""
        if order.status not in self.allowed:
            code = self.refusal_for(order.status)
            raise IllegalTransition(code, status=order.status, action=self.labels.refused_as)
        if self.guard is not None:
            self.guard(order, **{name: args[name] for name in self.guard_args})

    def apply(self, order: Order, changes: Changes, *, actor: Actor, **args: Any) -> None:
        """The transition, on an order that passed ``check``."""
        self.step(order, changes, actor=actor, **args)


def _closed(code: str = ALREADY_ENDED) -> dict[str, str]:
    return dict.fromkeys(CLOSED, code)


PAY = OrderAction(
    "pay",
    allowed=frozenset({S.DRAFT, S.PENDING, S.ACTIVE, S.PAUSED}),
    refusals=_closed(),
    guard=rules.guard_pay,
    guard_args=("invoice",),
    step=transitions.paid,
    args=("invoice",),
    labels=Labels("Pay", "paid", "paid", timeline="paid", confirm="Pay this invoice?"),
)
MARK_PAID = OrderAction(
    "mark_paid",
    # Money for an offline order may arrive after it ended; a draft is online, never offline.
    allowed=frozenset({S.PENDING, S.ACTIVE, S.PAUSED, S.ENDED, S.CANCELED}),
    refusal="ONLINE_ORDER_CANNOT_BE_MARKED_PAID",
    guard=rules.guard_mark_paid,
    step=transitions.mark_paid,
    admin=True,
    labels=Labels(
        "Mark as paid",
        "marked as paid",
        "marked as paid",
        timeline="marked_as_paid",
        confirm="Record that the money for these offline orders has arrived?",
    ),
)
PAUSE = OrderAction(
    "pause",
    allowed=frozenset({S.ACTIVE}),
    guard=rules.guard_pause,
    step=transitions.pause,
    admin=True,
    labels=Labels(
        "Pause",
        "paused",
        "paused",
        timeline="paused",
        confirm="Pause these orders? Nothing happens to them until they are resumed.",
    ),
)
RESUME = OrderAction(
    "resume",
    allowed=frozenset({S.PAUSED}),
    refusal="ORDER_NOT_PAUSED",
    step=transitions.resume,
    admin=True,
    labels=Labels(
        "Resume",
        "resumed",
        "resumed",
        timeline="resumed",
        confirm="Resume these orders? Their end dates move later by the time paused.",
    ),
)
POSTPONE_END_DATE = OrderAction(
    "postpone_end_date",
    allowed=frozenset({S.PENDING, S.ACTIVE}),
    refusals={**_closed(), S.PAUSED: "ORDER_IS_PAUSED", S.DRAFT: NOT_STARTED},
    guard=rules.guard_postpone_end_date,
    guard_args=("end_date",),
    step=transitions.postpone,
    args=("end_date",),
    admin=True,
    labels=Labels(
        "Postpone end date",
        "postponed",
        "postponed",
        timeline="end_date_postponed",
        confirm="Move the end date of these orders later? Payments are not affected.",
    ),
)
CANCEL_NOW = OrderAction(
    "cancel_now",
    allowed=frozenset({S.DRAFT, S.PENDING, S.ACTIVE, S.PAUSED}),
    refusals=_closed(),
    step=trials.cancel_now_unless_in_trial,  # a buyer in the free trial keeps it to its end
    admin=True,
    labels=Labels(
        "Cancel now",
        "canceled",
        "canceled",
        timeline="canceled",
        confirm="Cancel these orders now? The plan is unusable from this moment.",
        member="Cancel now",
        member_done="Your plan is canceled.",
    ),
)
CANCEL_AT_NEXT_PAYMENT = OrderAction(
    "cancel_at_next_payment",
    allowed=frozenset({S.ACTIVE}),
    refusals=_closed(),
    guard=rules.guard_cancel_at_cycle_end,
    step=transitions.cancel_at_cycle_end,
    admin=True,
    labels=Labels(
        "Cancel at the next payment date",
        "set to end at the next payment date",
        "canceled at the next payment date",
        timeline="cancellation_scheduled",
        confirm="Let these orders run until their next payment date, then cancel them?",
        member="Cancel at the next payment date",
        member_done="Your plan will end at the next payment date.",
    ),
)
UNDO_CANCELLATION = OrderAction(
    "undo_cancellation",
    allowed=frozenset({S.ACTIVE}),
    refusals=_closed(),
    guard=rules.guard_cancellation_undo,
    step=transitions.cancellation_undo,
    labels=Labels(
        "Undo the cancellation",
        "set to renew again",
        "undone",
        timeline="cancellation_undone",
        confirm="Keep this plan? It renews at its next payment date as before.",
        member="Undo the cancellation",
        member_done="Your plan renews again: the cancellation is undone.",
    ),
)
CHANGE_START_DATE = OrderAction(
    "change_start_date",
    # Once paid, the start date cannot change (the Wix docs); only an unpaid draft's can.
    allowed=frozenset({S.DRAFT}),
    refusal="START_DATE_NOT_CHANGEABLE",
    guard=rules.guard_change_start_date,
    guard_args=("start_date",),
    step=transitions.change_start_date,
    args=("start_date",),
    admin=True,
    labels=Labels(
        "Change start date",
        "given a new start date",
        "given a new start date",
        timeline="start_date_changed",
        confirm="Move the start date of these draft orders? Their end dates move with it.",
    ),
)
END_NOW = OrderAction(
    "end_now",
    allowed=frozenset({S.PENDING, S.ACTIVE, S.PAUSED}),
    refusals={**_closed(), S.DRAFT: NOT_STARTED},
    step=transitions.end_now,
    args=("reason",),
    labels=Labels(
        "End now",
        "ended",
        "ended",
        timeline="ended",
        confirm="End these orders now, without a cancellation?",
    ),
)

# In the order the admin and the member page offer them (the gentler cancellation first).
ACTIONS: tuple[OrderAction, ...] = (
    MARK_PAID,
    PAUSE,
    RESUME,
    POSTPONE_END_DATE,
    CANCEL_AT_NEXT_PAYMENT,
    UNDO_CANCELLATION,
    CANCEL_NOW,
    CHANGE_START_DATE,
    END_NOW,
    PAY,
)
BY_NAME: dict[str, OrderAction] = {action.name: action for action in ACTIONS}
# The statuses each action starts from, by name (read from the entries, never written twice).
ALLOWED: dict[str, frozenset[str]] = {action.name: action.allowed for action in ACTIONS}
# Cancel has one service and one API call; ``effectiveAt`` picks the action.
CANCEL_BY_EFFECTIVE_AT: dict[str, OrderAction] = {
    CancellationEffectiveAt.IMMEDIATELY: CANCEL_NOW,
    CancellationEffectiveAt.NEXT_PAYMENT_DATE: CANCEL_AT_NEXT_PAYMENT,
}


def action_named(name: str) -> OrderAction:
    """The declared action called ``name``; ``KeyError`` for any other name."""
    return BY_NAME[name]


def admin_actions() -> tuple[OrderAction, ...]:
    return tuple(action for action in ACTIONS if action.admin)


def member_actions() -> tuple[OrderAction, ...]:
    return tuple(action for action in ACTIONS if action.labels.member)
