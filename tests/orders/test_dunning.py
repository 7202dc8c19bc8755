"""A declined renewal is retried after 1, 3, 5 and 7 days (TALLY_PAYMENT_RETRY_DAYS) while the
order stays ACTIVE and past due; after the last declined try it is canceled."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.actors import Actor
from orders.errors import IllegalTransition
from orders.models import PaymentAttempt, TestProviderRecord
from orders.services.attempts import attempt_new, renewal_key
from orders.services.clock import clock_run
from orders.services.payments import invoice_pay
from tests.orders.conftest import refreshed

APPROVED = {"card_number": "4242424242424242"}


@pytest.fixture
def declining(member_factory, online_order):
    """A paid monthly order whose buyer's card is declined from now on."""
    buyer = member_factory("dora", email="dora+decline@example.com")
    return online_order(buyer=buyer, price="20.00")


def approve_from_now(order) -> None:
    order.buyer.email = "dora@example.com"
    order.buyer.save(update_fields=["email"])


def tries_on_the_timeline(order) -> list:
    entries = order.timeline.filter(action="payment_failed").order_by("at")
    return [entry.data["try"] for entry in entries]


def test_a_declined_renewal_leaves_the_order_active_and_past_due(clock, declining):
    renewal = declining.next_transition_at
    clock.set(renewal)
    clock_run()
    done = refreshed(declining)
    assert (done.status, done.last_payment_status) == ("ACTIVE", "FAILED")
    assert done.invoices.get(cycle_index=2).status == "ISSUED"
    assert done.payment_retry_at == renewal + timedelta(days=1)
    assert tries_on_the_timeline(done) == [1]


def test_declined_declined_approved_pays_the_invoice_on_the_original_anchor(clock, declining):
    # given a renewal declined, and declined again a day later
    renewal = declining.next_transition_at
    clock.set(renewal)
    clock_run()
    clock.set(renewal + timedelta(days=1))
    clock_run()
    assert refreshed(declining).payment_retry_at == renewal + timedelta(days=3)
    # when the third try (day 3) is approved
    approve_from_now(declining)
    clock.set(renewal + timedelta(days=3))
    clock_run()
    # then the same invoice is paid, the cycle began, and the next one keeps the anchor
    done = refreshed(declining)
    assert (done.status, done.last_payment_status, done.current_cycle_index) == (
        "ACTIVE",
        "PAID",
        2,
    )
    invoice = done.invoices.get(cycle_index=2)
    assert invoice.status == "PAID"
    assert list(invoice.payments.values_list("status", flat=True)) == [
        "FAILED",
        "FAILED",
        "SUCCEEDED",
    ]
    assert done.payment_retry_at is None
    assert done.next_transition_at == declining.start_date.replace(month=3)
    assert tries_on_the_timeline(done) == [1, 2]


def test_after_the_last_declined_try_the_order_is_canceled_that_day(clock, declining):
    renewal = declining.next_transition_at
    for day in (0, 1, 3, 5, 7):
        clock.set(renewal + timedelta(days=day))
        clock_run()
        if day < 7:
            assert refreshed(declining).status == "ACTIVE"
    done = refreshed(declining)
    assert (done.status, done.cancellation_cause) == ("CANCELED", "PAYMENT_FAILURE")
    assert done.end_date == renewal + timedelta(days=7)
    assert done.invoices.get(cycle_index=2).payments.count() == 5
    assert tries_on_the_timeline(done) == [1, 2, 3, 4]


def test_the_member_pays_the_open_invoice_at_once(clock, declining):
    renewal = declining.next_transition_at
    clock.set(renewal)
    clock_run()
    invoice = declining.invoices.get(cycle_index=2)
    clock.advance(hours=5)
    invoice_pay(invoice=invoice, actor=Actor.member(declining.buyer), details=APPROVED)
    done = refreshed(declining)
    assert (done.status, done.last_payment_status, done.current_cycle_index) == (
        "ACTIVE",
        "PAID",
        2,
    )
    assert done.payment_retry_at is None
    assert done.next_transition_at == declining.start_date.replace(month=3)


def test_a_member_cannot_pay_a_started_order_that_is_not_past_due(clock, online_order):
    order = online_order()
    with pytest.raises(IllegalTransition):
        invoice_pay(invoice=order.invoices.get(), actor=Actor.member(order.buyer))


def test_the_retry_days_are_a_setting(clock, declining, settings):
    settings.TALLY_PAYMENT_RETRY_DAYS = "2"
    renewal = declining.next_transition_at
    clock.set(renewal)
    clock_run()
    assert refreshed(declining).payment_retry_at == renewal + timedelta(days=2)
    clock.set(renewal + timedelta(days=2))
    clock_run()
    assert refreshed(declining).status == "CANCELED"


def test_a_member_cannot_pay_while_the_clocks_retry_is_still_unanswered(clock, declining):
    # given a past-due order whose second try the clock has begun (its attempt committed under
    # the renewal key) but not answered: a slow provider, a long batch
    clock.set(declining.next_transition_at)
    clock_run()
    invoice = declining.invoices.get(cycle_index=2)
    attempt = attempt_new(invoice, declining, key=renewal_key(invoice, 2), at=clock.now)
    attempt.save()
    # when the member pays by hand after a payment would count as interrupted
    clock.advance(minutes=3)
    with pytest.raises(IllegalTransition) as refused:
        invoice_pay(invoice=invoice, actor=Actor.member(declining.buyer), details=APPROVED)
    # then nothing is charged under a new key while the clock's key may still reach the provider
    assert refused.value.code == "PAYMENT_IN_PROGRESS"
    assert PaymentAttempt.objects.get(pk=attempt.pk).status == "PENDING"
    assert not TestProviderRecord.objects.filter(idempotency_key__startswith="pay:").exists()
