"""Paying online orders through the built-in test payment provider."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.actors import Actor
from orders.errors import IllegalTransition, PaymentError
from orders.services.payments import invoice_pay
from tests.orders.conftest import first_invoice, refreshed


def pay(order, outcome="SUCCEEDED"):
    return invoice_pay(invoice=first_invoice(order), outcome=outcome, actor=Actor.system())


def test_paying_the_first_invoice_activates_a_draft(clock, online_order):
    # given a draft order
    order = online_order(pay=False)
    # when its first invoice is paid
    payment = pay(order)
    # then the order is active and paid, with one succeeded payment of the invoice total
    done = refreshed(order)
    assert (done.status, done.last_payment_status) == ("ACTIVE", "PAID")
    assert (payment.status, payment.amount, payment.method) == ("SUCCEEDED", done.total, "TEST")
    assert first_invoice(order).status == "PAID"
    assert done.wix_pay_order_id is not None
    events = list(done.events.order_by("sequence").values_list("slug", flat=True))
    assert events == ["created", "updated", "purchased", "started", "cycle_started"]


def test_paying_a_draft_that_starts_later_makes_it_pending(clock, online_order):
    order = online_order(pay=False, start=clock.now + timedelta(days=3))
    pay(order)
    assert refreshed(order).status == "PENDING"


def test_a_late_payment_moves_the_start_to_the_payment(clock, online_order):
    order = online_order(pay=False, cycle_count=2)
    clock.advance(days=2)
    pay(order)
    done = refreshed(order)
    assert done.start_date == clock.now
    assert done.end_date.date().isoformat() == "2026-03-17"


def test_failed_payment_leaves_the_draft_waiting(clock, online_order):
    order = online_order(pay=False)
    payment = pay(order, "FAILED")
    done = refreshed(order)
    assert (done.status, done.last_payment_status) == ("DRAFT", "FAILED")
    assert payment.status == "FAILED" and payment.failure_reason
    assert first_invoice(order).status == "ISSUED"
    # and a second try can still succeed
    pay(order)
    assert refreshed(order).status == "ACTIVE"


def test_trial_setup_payment_leaves_the_payment_pending(clock, online_order):
    order = online_order(pay=False, free_trial_days=7)
    assert first_invoice(order).total == 0
    pay(order)
    done = refreshed(order)
    assert (done.status, done.last_payment_status, done.current_cycle_index) == (
        "ACTIVE",
        "PENDING",
        0,
    )


def test_an_invoice_is_paid_once(clock, online_order):
    order = online_order(pay=False)
    pay(order)
    with pytest.raises(IllegalTransition) as refused:
        pay(order)
    assert refused.value.code == "INVOICE_NOT_PAYABLE"


def test_a_canceled_drafts_invoice_cannot_be_paid(clock, online_order, owner):
    from orders.services.lifecycle import order_cancel

    order = online_order(pay=False)
    order_cancel(order.pk, effective_at="IMMEDIATELY", actor=Actor.owner(owner))
    with pytest.raises(IllegalTransition) as refused:
        pay(order)
    assert refused.value.code == "ORDER_ALREADY_ENDED"


def test_unknown_outcome_is_refused(clock, online_order):
    order = online_order(pay=False)
    with pytest.raises(PaymentError):
        pay(order, "MAYBE")


def test_every_payment_has_a_unique_transaction_id(clock, online_order, plan_factory):
    orders = [online_order(plan=plan_factory()) for _ in range(3)]
    ids = {o.payments.get().transaction_id for o in orders}
    assert len(ids) == 3
