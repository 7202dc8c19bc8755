"""How orders read to the owner: money with its currency, short ids, the next payment."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from config import clock
from config.money import to_wire
from orders.models import Order, OrderStatus


def money(amount: Decimal | None, currency: str) -> str:
    """``10.00 EUR``: the currency's own number of decimals, then its code."""
    if amount is None:
        return ""
    return f"{to_wire(amount, currency)} {currency}"


def short_id(value) -> str:
    """The first block of a GUID: enough to tell orders apart on a page, and searchable."""
    return str(value).split("-")[0]


def order_label(order: Order) -> str:
    """``Monthly for alice@example.com (order 1a2b3c4d)``: how messages name an order."""
    buyer = order.buyer.email or order.buyer.get_username()
    return f"{order.plan_name} for {buyer} (order {short_id(order.pk)})"


def next_payment_date(order: Order) -> datetime | None:
    """When the buyer is charged next: the start of the next cycle of a renewing order.

    None unless the order is active and set to renew; the date itself comes from the
    lifecycle's schedule (trials and pauses included), so the admin holds no date rule.
    """
    if order.status != OrderStatus.ACTIVE or order.auto_renew_canceled:
        return None
    from orders.services.schedule import next_renewal, pauses_of

    return next_renewal(order, pauses_of(order), clock.now())
