"""Simultaneous refunds of one payment on PostgreSQL never give back more than was paid."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from accounts.actors import Actor
from config.errors import DomainError
from orders.models import CreditNote, TestProviderRecord
from orders.services.payments import invoice_pay
from orders.services.refunds import payment_refund
from tests.orders.conftest import first_invoice
from tests.orders.test_concurrency import PARALLEL, at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_simultaneous_refunds_never_exceed_the_payment(clock, online_order, owner):
    # given a payment of 10.00
    order = online_order(pay=False, price="10.00")
    payment = invoice_pay(
        invoice=first_invoice(order),
        actor=Actor.member(order.buyer),
        details={"card_number": "4242424242424242"},
    )
    # when 20 refunds of 3.00 arrive at once (60.00 in all)
    refund = lambda: payment_refund(  # noqa: E731
        payment_id=payment.pk, actor=Actor.owner(owner), reason="DUPLICATE", amount="3.00"
    )
    results = at_once([refund] * PARALLEL)
    # then three went through (9.00), the others were refused, and the numbers have no gaps
    accepted = [r for r in results if not isinstance(r, DomainError)]
    assert len(accepted) == 3
    assert CreditNote.objects.aggregate(total=Sum("amount"))["total"] == Decimal("9.00")
    assert sorted(CreditNote.objects.values_list("number", flat=True)) == [1, 2, 3]
    assert TestProviderRecord.objects.filter(kind="REFUND").count() == 3
