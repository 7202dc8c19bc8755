"""What owners, members and apps do to an order after checkout: pause, resume, mark as paid,
postpone, cancel (now or at the next payment date) and end.

Every service: one transaction; the order row locked (``SELECT ... FOR UPDATE``) so two
requests on one order take turns; the guard of ``orders.services.rules``; the transition of
``orders.services.transitions``; its rows written by ``Changes.flush``. ``buyer`` scopes the
call to one member's orders: another buyer's order is "not found", never "forbidden".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.actors import Actor
from config import clock
from orders.errors import FieldError, OrderNotFound
from orders.models import CancellationEffectiveAt, Invoice, Order
from orders.services import rules, schedule, transitions
from orders.services.changes import Changes


def order_locked(order_id, *, buyer=None) -> Order:
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


def _apply(
    order_id, buyer, guard: Callable[[Order], None], step: Callable[[Order, Changes], None]
) -> Order:
    with transaction.atomic():
        order = order_locked(order_id, buyer=buyer)
        guard(order)
        changes = Changes(clock.now())
        step(order, changes)
        changes.flush()
    return order


def order_pause(order_id, *, actor: Actor, buyer=None) -> Order:
    """ACTIVE -> PAUSED; recurring payments stop until it is resumed."""
    return _apply(
        order_id, buyer, rules.guard_pause, lambda o, ch: transitions.pause(o, ch, actor=actor)
    )


def order_resume(order_id, *, actor: Actor, buyer=None) -> Order:
    """PAUSED -> ACTIVE; the end date and earliest end date move by the paused time."""
    return _apply(
        order_id, buyer, rules.guard_resume, lambda o, ch: transitions.resume(o, ch, actor=actor)
    )


def order_postpone_end_date(order_id, *, end_date: datetime, actor: Actor, buyer=None) -> Order:
    """A later end date (not for PAUSED or unlimited orders); payments are not affected."""
    return _apply(
        order_id,
        buyer,
        lambda o: rules.guard_postpone_end_date(o, end_date=end_date),
        lambda o, ch: transitions.postpone(o, ch, actor=actor, end_date=end_date),
    )


def order_cancel(order_id, *, effective_at: str, actor: Actor, buyer=None) -> Order:
    """Cancel now, or at the next payment date (subscriptions only; a trial is not billed).

    The cause is MEMBER_ACTION when a member asks (request cancellation), else OWNER_ACTION.
    """
    if effective_at not in CancellationEffectiveAt.values:
        raise FieldError("effectiveAt", "must be IMMEDIATELY or NEXT_PAYMENT_DATE", rule="VALID")
    cause = transitions.cause_of(actor)

    def step(order: Order, changes: Changes) -> None:
        if effective_at == CancellationEffectiveAt.IMMEDIATELY:
            transitions.cancel_now(order, changes, actor=actor, cause=cause)
        else:
            transitions.cancel_at_cycle_end(order, changes, actor=actor, cause=cause)

    return _apply(order_id, buyer, lambda o: rules.guard_cancel(o, effective_at=effective_at), step)


def order_end_now(order_id, *, actor: Actor, reason: str, buyer=None) -> Order:
    """End the order at once without a cancellation (an upgrade replaced it, for example)."""
    return _apply(
        order_id,
        buyer,
        rules.guard_end_now,
        lambda o, ch: transitions.end_now(o, ch, actor=actor, reason=reason),
    )


def order_mark_paid(order_id, *, actor: Actor, buyer=None) -> Order:
    """An offline order's money arrived: its open invoices are paid, with an offline payment."""

    def step(order: Order, changes: Changes) -> None:
        invoices = list(order.invoices.filter(status=Invoice.Status.ISSUED).order_by("number"))
        for invoice in invoices:
            invoice.order = order
        transitions.mark_paid(order, changes, actor=actor, invoices=invoices)

    return _apply(order_id, buyer, rules.guard_mark_paid, step)
