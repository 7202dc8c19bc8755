"""Paying invoices through a payment provider.

A provider charges an invoice and answers SUCCEEDED or FAILED (with a reason); the clock uses
it for renewals, and ``invoice_pay`` for a buyer paying by hand with the payment ``details``
the provider's form collected. The built-in ``TestPaymentProvider`` moves no money. Given a
card number it answers as card networks' test cards do (``4242 4242 4242 4242`` approved,
``4000 0000 0000 0002`` declined); without one (renewals) it approves every charge, except
for buyers whose e-mail address has ``+decline`` before the ``@``, so a failing renewal can be
tried by hand. ``settings.TALLY_PAYMENT_PROVIDER``
(a dotted path) selects another provider.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from accounts.actors import Actor
from config import clock
from orders import actions
from orders.errors import PaymentError
from orders.models import Invoice, Order, Payment
from orders.services import rules, transitions
from orders.services.changes import Changes
from orders.services.invoicing import invoice_settle, payment_record
from orders.services.lifecycle import order_locked

DEFAULT_PROVIDER = "orders.services.payments.TestPaymentProvider"
DECLINED = "The card was declined (test payment provider)."
UNKNOWN_TEST_CARD = (
    "This is not a test card: use 4242 4242 4242 4242 (approved) or 4000 0000 0000 0002 (declined)."
)
TEST_CARDS = {
    "4242424242424242": (Payment.Status.SUCCEEDED, ""),
    "4000000000000002": (Payment.Status.FAILED, DECLINED),
}


class PaymentProvider(Protocol):
    method: str

    def charge(
        self, *, invoice: Invoice, order: Order, details: Mapping[str, str] | None = None
    ) -> tuple[str, str]:
        """Charge ``invoice``: (``Payment.Status`` value, failure reason or "").

        ``details`` is what the provider's payment form collected (none for renewals)."""


class TestPaymentProvider:
    """Test cards decide a charge by hand; renewals fail only for ``...+decline@...`` buyers."""

    method = Payment.Method.TEST_PROVIDER

    def charge(
        self, *, invoice: Invoice, order: Order, details: Mapping[str, str] | None = None
    ) -> tuple[str, str]:
        card = (details or {}).get("card_number", "")
        if card:
            return TEST_CARDS.get(card, (Payment.Status.FAILED, UNKNOWN_TEST_CARD))
        email = (order.buyer.email or "").split("@")[0]
        if email.endswith("+decline"):
            return Payment.Status.FAILED, DECLINED
        return Payment.Status.SUCCEEDED, ""


@lru_cache(maxsize=4)
def _provider(path: str) -> PaymentProvider:
    return import_string(path)()


def payment_provider() -> PaymentProvider:
    return _provider(getattr(settings, "TALLY_PAYMENT_PROVIDER", DEFAULT_PROVIDER))


def invoice_pay(
    *,
    invoice: Invoice,
    actor: Actor,
    outcome: str | None = None,
    reason: str = "",
    details: Mapping[str, str] | None = None,
) -> Payment:
    """Pay ``invoice``: who may pay it is decided here (``rules.guard_payer``: a member pays
    only their own draft), then the configured provider charges it with ``details``.

    An app testing its integration names the ``outcome`` instead (the test provider's answer).
    Paying a draft order's first invoice purchases it (PENDING or ACTIVE by its start date);
    a failed payment leaves the draft waiting, with ``lastPaymentStatus`` FAILED. The order
    row stays locked while the provider answers, so a payment sent twice charges once.
    """
    if outcome is not None and outcome not in Payment.Status.values:
        raise PaymentError("The outcome must be SUCCEEDED or FAILED.", data={"outcome": outcome})
    with transaction.atomic():
        order = order_locked(invoice.order_id)
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        invoice.order = order
        rules.guard_payer(order, actor)
        actions.PAY.check(order, invoice=invoice)
        changes = Changes(clock.now())
        if outcome is None:
            provider = payment_provider()
            method = provider.method
            outcome, reason = provider.charge(invoice=invoice, order=order, details=details)
        else:
            method = TestPaymentProvider.method
        if outcome == Payment.Status.SUCCEEDED:
            invoice_settle(changes, invoice, method=method, new=False)
            payment = changes.payments[-1] if changes.payments else None
            actions.PAY.apply(order, changes, actor=actor, invoice=invoice)
        else:
            payment = payment_record(
                changes,
                invoice,
                status=Payment.Status.FAILED,
                method=method,
                failure_reason=reason or DECLINED,
            )
            transitions.payment_failed(order, changes, actor=actor, reason=reason or DECLINED)
        if payment is None:  # a zero invoice: record the (empty) authorisation all the same
            payment = payment_record(changes, invoice, status=outcome, method=method)
        changes.flush()
    return payment
