"""Which changes an order's state allows: one guard per action, shared by the services and the
action preview. Each guard raises ``IllegalTransition`` with a stable code, or returns.
"""

from __future__ import annotations

from datetime import datetime

from orders.errors import IllegalTransition
from orders.models import (
    CancellationEffectiveAt,
    Order,
    OrderStatus,
    OrderType,
    PaymentStatus,
    PricingModel,
)

S = OrderStatus
CLOSED = frozenset({S.ENDED, S.CANCELED})

# The statuses each action starts from (the allowed transitions, as data).
ALLOWED: dict[str, frozenset[str]] = {
    "pause": frozenset({S.ACTIVE}),
    "resume": frozenset({S.PAUSED}),
    "postpone_end_date": frozenset({S.PENDING, S.ACTIVE}),
    "cancel": frozenset({S.DRAFT, S.PENDING, S.ACTIVE, S.PAUSED}),
    "end_now": frozenset({S.PENDING, S.ACTIVE, S.PAUSED}),
    "mark_paid": frozenset({S.PENDING, S.ACTIVE, S.PAUSED, S.ENDED, S.CANCELED}),
    "purchase": frozenset({S.DRAFT}),
}


def _refuse(order: Order, code: str, action: str) -> IllegalTransition:
    return IllegalTransition(code, status=order.status, action=action)


def _closed_or(order: Order, action: str, code: str) -> None:
    if order.status not in ALLOWED[action]:
        if order.status in CLOSED:
            raise _refuse(order, "ORDER_ALREADY_ENDED", action)
        if order.status == S.DRAFT:
            raise _refuse(order, "ORDER_NOT_STARTED", action)
        raise _refuse(order, code, action)


def guard_pause(order: Order) -> None:
    if order.status != S.ACTIVE:
        raise _refuse(order, "ORDER_NOT_ACTIVE", "paused")
    if order.current_cycle_index == 0:
        raise _refuse(order, "ORDER_IN_FREE_TRIAL", "paused")


def guard_resume(order: Order) -> None:
    if order.status != S.PAUSED:
        raise _refuse(order, "ORDER_NOT_PAUSED", "resumed")


def guard_postpone_end_date(order: Order, *, end_date: datetime) -> None:
    if order.status in CLOSED:
        raise _refuse(order, "ORDER_ALREADY_ENDED", "postponed")
    if order.status == S.PAUSED:
        raise _refuse(order, "ORDER_IS_PAUSED", "postponed")
    if order.planned_end_date is None or order.end_date is None:
        raise _refuse(order, "ORDER_HAS_NO_END_DATE", "postponed")
    if order.cancellation_cause:
        raise _refuse(order, "CANCELLATION_ALREADY_SCHEDULED", "postponed")
    _closed_or(order, "postpone_end_date", "ORDER_NOT_ACTIVE")
    if end_date <= order.end_date:
        raise _refuse(order, "END_DATE_NOT_LATER", "postponed")


def guard_cancel(order: Order, *, effective_at: str) -> None:
    _closed_or(order, "cancel", "ORDER_NOT_ACTIVE")
    if effective_at == CancellationEffectiveAt.IMMEDIATELY:
        return
    if order.pricing_model != PricingModel.SUBSCRIPTION:
        raise _refuse(order, "NEXT_PAYMENT_DATE_NOT_ALLOWED_FOR_ONE_TIME_ORDER", "canceled")
    if order.status != S.ACTIVE:
        raise _refuse(order, "ORDER_NOT_ACTIVE", "canceled at the next payment date")
    if order.auto_renew_canceled:
        raise _refuse(order, "CANCELLATION_ALREADY_SCHEDULED", "canceled")


def guard_end_now(order: Order) -> None:
    _closed_or(order, "end_now", "ORDER_NOT_ACTIVE")


def guard_mark_paid(order: Order) -> None:
    if order.type != OrderType.OFFLINE:
        raise _refuse(order, "ONLINE_ORDER_CANNOT_BE_MARKED_PAID", "marked as paid")
    if order.last_payment_status == PaymentStatus.PAID:
        raise _refuse(order, "ORDER_ALREADY_PAID", "marked as paid")
    if order.last_payment_status == PaymentStatus.NOT_APPLICABLE:
        raise _refuse(order, "ORDER_IS_FREE", "marked as paid")


def guard_purchase(order: Order) -> None:
    if order.status in CLOSED:
        raise _refuse(order, "ORDER_ALREADY_ENDED", "paid")
