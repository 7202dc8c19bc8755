"""Orders stored directly, in a chosen state, for tests of reading and rendering.

Orders that a test then changes are made through the checkout services instead; these rows
only need to look like what the services store.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from orders.models import Order, OrderStatus, OrderType, PausePeriod, PaymentStatus, Plan


def order_row(*, plan: Plan, buyer, at: datetime, **fields: Any) -> Order:
    """An ACTIVE, paid online order of ``plan`` bought by ``buyer`` at ``at``."""
    price = Decimal(plan.price)
    values: dict[str, Any] = {
        "plan": plan,
        "buyer": buyer,
        "type": OrderType.ONLINE,
        "status": OrderStatus.ACTIVE,
        "last_payment_status": PaymentStatus.PAID,
        "plan_name": plan.name,
        "plan_description": plan.description,
        "plan_price": price,
        "currency": plan.currency,
        "pricing_model": plan.pricing_model,
        "duration_count": plan.duration_count,
        "duration_unit": plan.duration_unit,
        "cycle_count": plan.cycle_count,
        "free_trial_days": plan.free_trial_days,
        "subtotal": price,
        "total": price,
        "prices": [
            {
                "duration": {"cycleFrom": 1, "numberOfCycles": plan.cycle_count or None},
                "price": {
                    "subtotal": str(price),
                    "discount": "0",
                    "total": str(price),
                    "currency": plan.currency,
                    "proration": "0",
                },
            }
        ],
        "start_date": at,
        "end_date": at + timedelta(days=365) if plan.cycle_count else None,
        "created_date": at,
        "updated_date": at,
        "wix_pay_order_id": uuid.uuid4(),
    }
    values.update(fields)
    return Order.objects.create(**values)


def pause_row(order: Order, *, at: datetime, resumed: datetime | None = None) -> PausePeriod:
    """A pause of ``order``: open, or closed at ``resumed``, counted on the order as the
    services count it."""
    order.times_paused += 1
    if resumed is not None:
        order.paused_total += resumed - at
    Order.objects.filter(pk=order.pk).update(
        times_paused=order.times_paused, paused_total=order.paused_total
    )
    return PausePeriod.objects.create(
        order=order,
        status="ENDED" if resumed else "ACTIVE",
        pause_date=at,
        resume_date=resumed,
    )
