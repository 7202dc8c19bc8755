"""What an order must be, beyond its status, for an action: one guard per action.

The statuses each action starts from are data in ``orders.actions`` (checked there first, with
the refusal code each status gets); a guard here checks only the rest: a free trial, an end
date, a scheduled cancellation, the order's type and payment. Each raises
``IllegalTransition`` with a stable code, or returns.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from accounts.actors import Actor, ActorKind
from config import clock
from orders.errors import IllegalTransition, OrderNotFound
from orders.models import (
    CancellationEffectiveAt,
    Invoice,
    Order,
    OrderStatus,
    OrderType,
    PaymentStatus,
    PricingModel,
)

# A start a little in the past is "now" seen by a client whose clock runs behind ours.
START_DATE_LEEWAY = timedelta(minutes=5)


def refuse(order: Order, code: str, action: str) -> IllegalTransition:
    """The refusal of ``action`` (as the message words it: "paused") for ``order``."""
    return IllegalTransition(code, status=order.status, action=action)


def guard_pause(order: Order) -> None:
    if order.current_cycle_index == 0:
        raise refuse(order, "ORDER_IN_FREE_TRIAL", "paused")


def guard_postpone_end_date(order: Order, *, end_date: datetime) -> None:
    if order.planned_end_date is None or order.end_date is None:
        raise refuse(order, "ORDER_HAS_NO_END_DATE", "postponed")
    if order.cancellation_cause:
        raise refuse(order, "CANCELLATION_ALREADY_SCHEDULED", "postponed")
    if end_date <= order.end_date:
        raise refuse(order, "END_DATE_NOT_LATER", "postponed")


def guard_cancel_at_cycle_end(order: Order) -> None:
    if order.pricing_model != PricingModel.SUBSCRIPTION:
        raise refuse(order, "NEXT_PAYMENT_DATE_NOT_ALLOWED_FOR_ONE_TIME_ORDER", "canceled")
    if order.auto_renew_canceled:
        raise refuse(order, "CANCELLATION_ALREADY_SCHEDULED", "canceled")


def guard_mark_paid(order: Order) -> None:
    if order.type != OrderType.OFFLINE:
        raise refuse(order, "ONLINE_ORDER_CANNOT_BE_MARKED_PAID", "marked as paid")
    if order.last_payment_status == PaymentStatus.PAID:
        raise refuse(order, "ORDER_ALREADY_PAID", "marked as paid")
    if order.last_payment_status == PaymentStatus.NOT_APPLICABLE:
        raise refuse(order, "ORDER_IS_FREE", "marked as paid")


def guard_pay(order: Order, *, invoice: Invoice) -> None:
    if invoice.status != Invoice.Status.ISSUED:
        raise IllegalTransition(
            "INVOICE_NOT_PAYABLE", status=order.status, invoiceStatus=invoice.status
        )


def guard_payer(order: Order, actor: Actor) -> None:
    """Who may pay: a member pays only their own draft's invoice, or the open invoice of their
    own past-due order (a declined renewal). Another member's does not exist for them (404);
    their other started orders are renewed by the clock, not paid by hand."""
    if actor.kind != ActorKind.MEMBER:
        return
    if str(order.buyer.member_id) != actor.id:
        raise OrderNotFound(data={"orderId": str(order.pk)})
    if order.status != OrderStatus.DRAFT and order.payment_retry_at is None:
        raise refuse(order, "ORDER_NOT_DRAFT", "paid")


def guard_cancellation_undo(order: Order) -> None:
    """Only a cancellation set for the next payment date can be undone (inverse of
    ``guard_cancel_at_cycle_end``); once it took effect the order is closed."""
    if (
        order.cancellation_effective_at != CancellationEffectiveAt.NEXT_PAYMENT_DATE
        or not order.auto_renew_canceled
    ):
        raise refuse(order, "NO_CANCELLATION_SCHEDULED", "undone")


def guard_change_start_date(order: Order, *, start_date: datetime) -> None:
    """A draft may move its start, but not into the past (a start now is fine)."""
    if start_date.tzinfo is None or start_date < clock.now() - START_DATE_LEEWAY:
        raise refuse(order, "START_DATE_IN_THE_PAST", "given a new start date")
