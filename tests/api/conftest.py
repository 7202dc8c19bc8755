"""Callers of the pricing-plans API: apps with chosen scopes, and member tokens."""

from __future__ import annotations

import pytest

from accounts import services as accounts


@pytest.fixture
def app_token(app_factory) -> str:
    """An app holding every scope."""
    return app_factory()[1]


@pytest.fixture
def token_with(app_factory):
    """``token_with("PRICING_PLANS.READ_ORDERS")``: an app holding only those scopes."""

    def make(*scopes: str) -> str:
        return app_factory(scopes=list(scopes))[1]

    return make


@pytest.fixture
def member_token(member) -> str:
    return accounts.member_token_issue(member=member)


@pytest.fixture
def other_member_token(other_member) -> str:
    return accounts.member_token_issue(member=other_member)


@pytest.fixture
def monthly(plan_factory):
    return plan_factory(name="Monthly", price="10.00", cycle_count=12)


def paid_by_card(plan, buyer):
    """``buyer``'s online order of ``plan``, paid by hand with an approved test card: its
    payment (through the test provider, as refunds need)."""
    from accounts.actors import Actor
    from orders.models import Invoice
    from orders.services.checkout import order_create_online
    from orders.services.payments import invoice_pay

    order = order_create_online(plan=plan, buyer=buyer, actor=Actor.member(buyer))
    return invoice_pay(
        invoice=Invoice.objects.get(order=order),
        actor=Actor.member(buyer),
        details={"card_number": "4242424242424242"},
    )
