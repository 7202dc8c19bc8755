"""Order factories for the lifecycle tests: orders are made through the real services."""

from __future__ import annotations

from datetime import datetime

import pytest

from accounts.actors import Actor
from orders.models import Invoice, Order, PricingModel
from orders.services.checkout import order_create_offline, order_create_online
from orders.services.payments import invoice_pay


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Personas are created per test; a fast hasher keeps these tests about orders."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def first_invoice(order: Order) -> Invoice:
    return order.invoices.order_by("number").first()


def refreshed(order: Order) -> Order:
    return Order.objects.select_related("buyer").prefetch_related("pause_periods").get(pk=order.pk)


@pytest.fixture
def online_order(member, plan_factory):
    """``online_order(plan=None, buyer=None, start=None, pay=True, **plan_fields)``: bought and
    (by default) paid through the test provider."""

    def make(*, plan=None, buyer=None, start: datetime | None = None, pay: bool = True, **fields):
        plan = plan or plan_factory(**fields)
        buyer = buyer or member
        order = order_create_online(
            plan=plan, buyer=buyer, actor=Actor.member(buyer), start_date=start
        )
        if pay and order.status == "DRAFT":
            invoice_pay(
                invoice=first_invoice(order), outcome="SUCCEEDED", actor=Actor.member(buyer)
            )
        return refreshed(order)

    return make


@pytest.fixture
def offline_order(member, owner, plan_factory):
    """``offline_order(plan=None, buyer=None, start=None, paid=False, **plan_fields)``."""

    def make(*, plan=None, buyer=None, start=None, paid: bool = False, **fields):
        plan = plan or plan_factory(**fields)
        order = order_create_offline(
            plan=plan, buyer=buyer or member, actor=Actor.owner(owner), start_date=start, paid=paid
        )
        return refreshed(order)

    return make


@pytest.fixture
def one_time_plan(plan_factory):
    return plan_factory(
        pricing_model=PricingModel.SINGLE_PAYMENT_FOR_DURATION, duration_count=3, price="30.00"
    )
