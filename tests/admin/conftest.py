"""Orders in given states for the dashboard's read-only views.

The list, export, order page and charts only read orders, so these tests write order rows in
exactly the states they need (a status, dates, a payment); the actions tests create and change
orders through the lifecycle services instead.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache

from orders.models import Invoice, Order, Payment
from tests.conftest import START, make_member

_numbers = itertools.count(1000)


@pytest.fixture
def order_factory(db, plan_factory):
    plans: dict[str, object] = {}

    def make(*, buyer=None, plan=None, status="ACTIVE", created=START, **fields) -> Order:
        plan = plan or plans.setdefault("default", plan_factory(name="Monthly", price="10.00"))
        buyer = buyer or make_member()
        defaults = {
            "type": "ONLINE",
            "last_payment_status": "PAID",
            "plan_name": plan.name,
            "plan_price": plan.price,
            "currency": plan.currency,
            "pricing_model": plan.pricing_model,
            "duration_count": plan.duration_count,
            "duration_unit": plan.duration_unit,
            "cycle_count": plan.cycle_count,
            "subtotal": plan.price,
            "total": plan.price,
            "start_date": created,
            "end_date": created + timedelta(days=365),
            "current_cycle_index": 1,
            "updated_date": created,
        }
        defaults.update(fields)
        return Order.objects.create(
            buyer=buyer, plan=plan, status=status, created_date=created, **defaults
        )

    return make


@pytest.fixture
def invoice_for(db):
    def make(order: Order, *, paid_at=None, amount: str | None = None) -> Invoice:
        invoice = Invoice.objects.create(
            number=next(_numbers),
            order=order,
            status="PAID" if paid_at else "ISSUED",
            cycle_index=1,
            currency=order.currency,
            subtotal=order.subtotal,
            total=Decimal(amount) if amount else order.total,
            issued_date=order.created_date,
            paid_date=paid_at,
        )
        if paid_at:
            Payment.objects.create(
                order=order,
                invoice=invoice,
                amount=invoice.total,
                currency=invoice.currency,
                status="SUCCEEDED",
                method="TEST",
                created_date=paid_at,
                plan_name=order.plan_name,
            )
        return invoice

    return make


@pytest.fixture
def viewer(db):
    """A staff member who may see orders but not change them."""
    user = make_member("viewer", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_order", content_type__app_label="orders")
    )
    return user


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture(autouse=True)
def fresh_chart_cache():
    """The charts are cached for minutes; each test computes its own."""
    cache.clear()
    yield
    cache.clear()
