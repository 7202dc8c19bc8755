"""Steps of the crash test, each run in its own process (``python -m tests.orders.crash_probe``).

    seed AT                 a member's paid monthly online order bought at AT; prints its id
    clock AT                run the clock at AT (with TALLY_PAYMENT_PROVIDER as set)
    report ORDER_ID         what was charged and recorded for the order, as JSON

The database is the one DATABASE_URL names.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from decimal import Decimal

import django


def main(step: str, arg: str) -> None:
    django.setup()
    from config import clock

    if step == "seed":
        clock.override(datetime.fromisoformat(arg))
        print(seed())
    elif step == "clock":
        clock.override(datetime.fromisoformat(arg))
        from orders.services.clock import clock_run

        print(clock_run())
    else:
        print(json.dumps(report(arg)))


def seed() -> str:
    from accounts.actors import Actor
    from accounts.models import User
    from orders.models import PeriodUnit, PricingModel
    from orders.services.catalogue import plan_upsert
    from orders.services.checkout import order_create_online
    from orders.services.payments import invoice_pay

    buyer = User.objects.create_user(username="crash", email="crash@example.com", password="x")
    plan = plan_upsert(
        name="Monthly",
        price=Decimal("12.00"),
        currency="EUR",
        pricing_model=PricingModel.SUBSCRIPTION,
        duration_unit=PeriodUnit.MONTH,
    )
    order = order_create_online(plan=plan, buyer=buyer, actor=Actor.member(buyer))
    invoice = order.invoices.get()
    invoice_pay(invoice=invoice, outcome="SUCCEEDED", actor=Actor.member(buyer))
    return str(order.pk)


def report(order_id: str) -> dict:
    from orders.models import Order, TestProviderRecord

    order = Order.objects.get(pk=order_id)
    renewals = order.invoices.filter(cycle_index=2)
    keys = list(order.payment_attempts.values_list("idempotency_key", flat=True))
    return {
        "cycle": order.current_cycle_index,
        "status": order.status,
        "invoices": [str(pk) for pk in renewals.values_list("pk", flat=True)],
        "invoice_status": [i.status for i in renewals],
        "attempts": list(order.payment_attempts.values_list("status", flat=True)),
        "charges": TestProviderRecord.objects.filter(idempotency_key__in=keys).count(),
        "payments": list(
            order.payments.filter(invoice__cycle_index=2).values_list("status", flat=True)
        ),
    }


if __name__ == "__main__":
    main(*sys.argv[1:3])
