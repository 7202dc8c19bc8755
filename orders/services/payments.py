"""Paying invoices through a payment provider.

A provider charges an invoice and answers SUCCEEDED or FAILED (with a reason); the clock uses
it for renewals. The built-in ``TestPaymentProvider`` moves no money. It approves every charge,
except for buyers whose e-mail address has ``+decline`` before the ``@`` (as card networks'
test cards do), so a failing renewal can be tried by hand. ``settings.TALLY_PAYMENT_PROVIDER``
(a dotted path) selects another provider.
"""

from __future__ import annotations

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
from orders.services import transitions
from orders.services.changes import Changes
from orders.services.invoicing import invoice_settle, payment_record
from orders.services.lifecycle import order_locked

DEFAULT_PROVIDER = "orders.services.payments.TestPaymentProvider"
DECLINED = "The card was declined (test payment provider)."


class PaymentProvider(Protocol):
    method: str

    def charge(self, *, invoice: Invoice, order: Order) -> tuple[str, str]:
        """Charge ``invoice``: (``Payment.Status`` value, failure reason or "")."""


class TestPaymentProvider:
    """Approves every charge except those of ``...+decline@...`` buyers."""

    method = Payment.Method.TEST_PROVIDER

    def charge(self, *, invoice: Invoice, order: Order) -> tuple[str, str]:
        email = (order.buyer.email or "").split("@")[0]
        if email.endswith("+decline"):
            return Payment.Status.FAILED, DECLINED
        return Payment.Status.SUCCEEDED, ""


@lru_cache(maxsize=4)
def _provider(path: str) -> PaymentProvider:
    return import_string(path)()


def payment_provider() -> PaymentProvider:
    return _provider(getattr(settings, "TALLY_PAYMENT_PROVIDER", DEFAULT_PROVIDER))


def invoice_pay(*, invoice: Invoice, outcome: str, actor: Actor, reason: str = "") -> Payment:
    """Pay ``invoice`` through the test provider with the given ``outcome``.

    Paying a draft order's first invoice purchases it (PENDING or ACTIVE by its start date);
    a failed payment leaves the draft waiting, with ``lastPaymentStatus`` FAILED.
    """
    if outcome not in Payment.Status.values:
        raise PaymentError("The outcome must be SUCCEEDED or FAILED.", data={"outcome": outcome})
    with transaction.atomic():
        order = order_locked(invoice.order_id)
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        invoice.order = order
        actions.PAY.check(order, invoice=invoice)
        changes = Changes(clock.now())
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
