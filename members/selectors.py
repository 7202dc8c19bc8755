"""Reads for the member pages: the checkout summary, a member's orders page by page, one
order with everything its page shows, and the next payment of an order.

Each page reads a fixed number of queries whatever the member holds: lists are paged, and
what a row shows (pause periods, receipts) is loaded for the whole page at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.paginator import Page, Paginator

from accounts.models import User
from config import clock
from config.errors import DomainError
from orders import selectors as order_selectors
from orders.errors import OrderNotFound
from orders.models import (
    CreditNote,
    Invoice,
    Order,
    OrderStatus,
    OrderTimelineEntry,
    Plan,
)
from orders.services import schedule
from orders.services.checkout import purchase_limit_reached
from orders.services.pricing import Quote, price_preview, price_quote
from orders.services.trials import trial_eligibility
from sessions_app.data import SessionData
from sessions_app.services.switching import cycle_price, switch_decide

PAGE_SIZE = 20

# What a member sees of their order's timeline, in their words; other entries stay the
# owner's (the admin shows them all).
TIMELINE_LABELS = {
    "created": "Order placed",
    "paid": "Paid",
    "payment_failed": "Payment declined",
    "started": "Plan started",
    "cycle_started": "New billing cycle",
    "paused": "Paused",
    "resumed": "Resumed",
    "end_date_postponed": "End date moved later",
    "cancellation_scheduled": "Cancellation scheduled for the next payment date",
    "cancellation_undone": "Cancellation undone: the plan renews again",
    "canceled": "Canceled",
    "ended": "Ended",
    "marked_as_paid": "Paid (offline)",
}


@dataclass(frozen=True)
class CheckoutSummary:
    quote: Quote
    coupon_error: str
    purchase_limit: int | None
    limit_reached: bool
    trial_days: int  # the free trial this member gets: 0 when none, or already had
    trial_had: bool  # the plan has a trial, but this member had it on an earlier order
    first_payment_date: datetime | None  # after a free trial; None: paid on checkout


def checkout_summary(
    plan: Plan, member: User | None, *, coupon_code: str = "", start_date: datetime | None = None
) -> CheckoutSummary:
    """What the checkout page states before paying: the price (with the coupon when it
    applies, else why not), the purchase limit and the free trial."""
    coupon_error = ""
    try:
        quote = price_preview(plan=plan, coupon_code=coupon_code or None, buyer=member)
    except DomainError as exc:
        coupon_error = exc.message
        quote = price_quote(plan=plan)
    trial = trial_eligibility(plan=plan, buyer=member).free_trial_days or 0
    start = start_date or clock.now()
    return CheckoutSummary(
        quote=quote,
        coupon_error=coupon_error,
        purchase_limit=plan.purchase_limit,
        limit_reached=purchase_limit_reached(plan, member),
        trial_days=trial,
        trial_had=bool(plan.is_recurring and plan.free_trial_days and not trial),
        first_payment_date=start + timedelta(days=trial) if trial else None,
    )


def member_orders_page(member: User, *, status: str = "", page: int | str = 1) -> Page:
    """One page of ``member``'s orders, newest first, optionally of one status."""
    filters = {"orderStatuses": [status]} if status else {}
    orders = order_selectors.order_list(filters=filters, buyer=member).prefetch_related(None)
    result = Paginator(orders, PAGE_SIZE).get_page(page)
    schedule.pauses_load(result.object_list)  # only orders ever paused have periods to read
    return result


@dataclass(frozen=True)
class NextPayment:
    date: datetime | None  # None: due now (a draft waiting for its first payment)
    amount: Decimal
    currency: str


def next_payment(order: Order, at: datetime | None = None) -> NextPayment | None:
    """The next payment the member makes for ``order``, or None when no payment follows."""
    at = at or clock.now()
    if order.status == OrderStatus.DRAFT:
        return NextPayment(None, order.total, order.currency)
    if order.status != OrderStatus.ACTIVE or order.auto_renew_canceled or not order.plan_price:
        return None
    renewal = schedule.next_renewal(order, schedule.pauses_of(order), at)
    if renewal is None:
        return None
    index = (order.current_cycle_index or 0) + 1
    return NextPayment(renewal, cycle_price(order, index), order.currency)


def member_order(member: User, order_id: uuid.UUID | str) -> Order:
    """One of ``member``'s orders (another member's does not exist for them), ready for the
    schedule: pause periods are read only for an order ever paused (most never are)."""
    orders = order_selectors.with_buyer_ids(Order.objects.filter(buyer=member))
    order = orders.filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound()
    schedule.pauses_load([order])
    return order


def order_timeline(order: Order) -> list[tuple[OrderTimelineEntry, str]]:
    """The entries a member sees, oldest first, each with its label."""
    entries = order.timeline.filter(action__in=TIMELINE_LABELS).order_by("at", "id")
    return [(entry, TIMELINE_LABELS[entry.action]) for entry in entries]


def order_invoices(order: Order) -> list[Invoice]:
    return list(order.invoices.prefetch_related("lines").order_by("number"))


def payable_invoice(order: Order) -> Invoice | None:
    """The invoice waiting for the member's payment: a draft's first one, or the renewal a
    past-due order's retries are charging (the member may pay it at once)."""
    if order.status != OrderStatus.DRAFT and order.payment_retry_at is None:
        return None
    # Its lines are read only if the page is shown: a payment that goes through redirects.
    return order.invoices.filter(status=Invoice.Status.ISSUED).order_by("number").first()


def order_credit_notes(order: Order) -> list[CreditNote]:
    return list(order.credit_notes.order_by("number"))


def member_credit_note(member: User, credit_note_id: uuid.UUID) -> CreditNote:
    """One of ``member``'s credit notes with its lines, invoice and order (another's does not
    exist)."""
    note = (
        CreditNote.objects.select_related("order", "order__buyer", "invoice", "payment")
        .prefetch_related("lines")
        .filter(pk=credit_note_id, order__buyer=member)
        .first()
    )
    if note is None:
        raise OrderNotFound("No such credit note.")
    return note


def member_invoice(member: User, invoice_id: uuid.UUID) -> Invoice:
    """One of ``member``'s invoices with its lines and order (another's does not exist)."""
    invoice = (
        Invoice.objects.select_related("order", "order__buyer")
        .prefetch_related("lines")
        .filter(pk=invoice_id, order__buyer=member)
        .first()
    )
    if invoice is None:
        raise OrderNotFound("No such invoice.")
    return invoice


@dataclass(frozen=True)
class SwitchOption:
    """What switching ``order`` to ``plan`` does now: the kind the session decides, the
    credit for the unused part of the current cycle, what the first invoice comes to (paid
    now), when the new plan starts (None: now), or why the switch is not possible."""

    plan: Plan
    kind: str = ""
    credit: Decimal = Decimal(0)
    due_now: Decimal = Decimal(0)
    starts: datetime | None = None
    refusal: str = ""


def switch_options(order: Order, member: User, at: datetime | None = None) -> list[SwitchOption]:
    """The other public plans, each with what switching to it costs now (the order-session
    switch rules of sessions_app, as a submit would apply them)."""
    at = at or clock.now()
    options = []
    for plan in order_selectors.plan_list_public():
        if plan.pk == order.plan_id:
            continue
        data = SessionData(
            plan_id=plan.pk, member_id=member.member_id, switch_from_order_id=order.pk
        )
        try:
            switch = switch_decide(data, old=order, plan=plan, at=at)
        except DomainError as exc:
            options.append(SwitchOption(plan, refusal=f"Not possible: it {exc.message}."))
            continue
        total = price_quote(plan=plan).total
        due = max(total - switch.credit, Decimal(0))
        options.append(SwitchOption(plan, switch.kind.value, switch.credit, due, switch.start_date))
    return options
