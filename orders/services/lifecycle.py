"""What owners, members and apps do to an order after checkout: pause, resume, mark as paid,
postpone, cancel (now or at the next payment date) and end.

Each is an entry of ``orders.actions``, applied by ``order_act``: one transaction; the order
row locked (``SELECT ... FOR UPDATE``) so two requests on one order take turns; the entry's
check (allowed statuses, then its guard); its transition; the rows written by
``Changes.flush``. The named services below are that call with their arguments spelled out.
``buyer`` scopes the call to one member's orders: another buyer's order is "not found", never
"forbidden".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.actors import Actor
from accounts.models import User
from config import clock
from orders import actions
from orders.actions import OrderAction
from orders.errors import FieldError, OrderNotFound
from orders.models import Order
from orders.services import schedule
from orders.services.changes import Changes


def order_locked(order_id: UUID | str, *, buyer: User | None = None) -> Order:
    """The order, locked until the transaction ends, with what rendering it needs."""
    queryset = Order.objects.select_for_update(of=("self",)).select_related("buyer")
    if buyer is not None:
        queryset = queryset.filter(buyer=buyer)
    try:
        order = queryset.get(pk=order_id)
    except (Order.DoesNotExist, ValidationError, ValueError, TypeError):
        raise OrderNotFound(data={"orderId": str(order_id)}) from None
    schedule.pauses_load([order])
    return order


def order_act(
    action: OrderAction,
    order_id: UUID | str,
    *,
    actor: Actor,
    buyer: User | None = None,
    **args: Any,
) -> Order:
    """Apply the declared ``action`` to one order, with the arguments it declares."""
    with transaction.atomic():
        order = order_locked(order_id, buyer=buyer)
        action.check(order, **args)
        changes = Changes(clock.now())
        action.apply(order, changes, actor=actor, **args)
        changes.flush()
    return order


def order_pause(order_id: UUID | str, *, actor: Actor, buyer: User | None = None) -> Order:
    """ACTIVE -> PAUSED; recurring payments stop until it is resumed."""
    return order_act(actions.PAUSE, order_id, actor=actor, buyer=buyer)


def order_resume(order_id: UUID | str, *, actor: Actor, buyer: User | None = None) -> Order:
    """PAUSED -> ACTIVE; the end date and earliest end date move by the paused time."""
    return order_act(actions.RESUME, order_id, actor=actor, buyer=buyer)


def order_postpone_end_date(
    order_id: UUID | str, *, end_date: datetime, actor: Actor, buyer: User | None = None
) -> Order:
    """A later end date (not for PAUSED or unlimited orders); payments are not affected."""
    return order_act(
        actions.POSTPONE_END_DATE, order_id, actor=actor, buyer=buyer, end_date=end_date
    )


def order_change_start_date(
    order_id: UUID | str, *, start_date: datetime, actor: Actor, buyer: User | None = None
) -> Order:
    """A draft (unpaid online) order starts at ``start_date`` instead; not in the past."""
    return order_act(
        actions.CHANGE_START_DATE, order_id, actor=actor, buyer=buyer, start_date=start_date
    )


def cancel_action(effective_at: str) -> OrderAction:
    """The cancel action ``effectiveAt`` names; a field error for anything else."""
    try:
        return actions.CANCEL_BY_EFFECTIVE_AT[effective_at]
    except (KeyError, TypeError):
        raise FieldError(
            "effectiveAt", "must be IMMEDIATELY or NEXT_PAYMENT_DATE", rule="VALID"
        ) from None


def order_cancel(
    order_id: UUID | str, *, effective_at: str, actor: Actor, buyer: User | None = None
) -> Order:
    """Cancel now, or at the next payment date (subscriptions only; a trial is not billed).

    A member cancelling now during the free trial keeps it to its end (``CANCEL_NOW``'s step).

    The cause is MEMBER_ACTION when a member asks (request cancellation), else OWNER_ACTION.
    """
    return order_act(cancel_action(effective_at), order_id, actor=actor, buyer=buyer)


def order_cancellation_undo(
    order_id: UUID | str, *, actor: Actor, buyer: User | None = None
) -> Order:
    """Undo a cancellation scheduled for the next payment date that has not taken effect:
    the order renews as before (inverse of ``order_cancel`` with NEXT_PAYMENT_DATE)."""
    return order_act(actions.UNDO_CANCELLATION, order_id, actor=actor, buyer=buyer)


def order_end_now(
    order_id: UUID | str, *, actor: Actor, reason: str, buyer: User | None = None
) -> Order:
    """End the order at once without a cancellation (an upgrade replaced it, for example)."""
    return order_act(actions.END_NOW, order_id, actor=actor, buyer=buyer, reason=reason)


def order_mark_paid(order_id: UUID | str, *, actor: Actor, buyer: User | None = None) -> Order:
    """An offline order's money arrived: its open invoices are paid, with an offline payment."""
    return order_act(actions.MARK_PAID, order_id, actor=actor, buyer=buyer)


def order_member_act(name: str, order_id: UUID | str, *, member: User) -> Order:
    """A member applies one of the actions offered to members to their own order."""
    action = next((a for a in actions.member_actions() if a.name == name), None)
    if action is None:
        raise FieldError("action", "is not an action a member can take", rule="VALID")
    return order_act(action, order_id, actor=Actor.member(member), buyer=member)
