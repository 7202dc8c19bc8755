"""Finding the payment a receipts path names, and the guard every write shares."""

from __future__ import annotations

from decimal import Decimal

from config.money import to_minor_units
from orders.models import Payment
from receipts.errors import PaymentNotFound, PaymentNotSucceeded
from receipts.validation.text import text_problem

_TRANSACTION_ID_MAX: int = Payment.transaction_id.field.max_length or 0


def payment_get(transaction_id: str, *, lock: bool = False) -> Payment:
    """The payment with this transaction id (404 for any id that cannot exist, such as one
    with a NUL, which PostgreSQL would refuse to even compare)."""
    if text_problem(transaction_id, max_length=_TRANSACTION_ID_MAX):
        raise PaymentNotFound(transaction_id[:_TRANSACTION_ID_MAX])
    payments = Payment.objects.select_related("order")
    if lock:
        payments = payments.select_for_update(of=("self",))
    payment = payments.filter(transaction_id=transaction_id).first()
    if payment is None:
        raise PaymentNotFound(transaction_id)
    return payment


def payment_guard_succeeded(payment: Payment) -> None:
    if payment.status != Payment.Status.SUCCEEDED:
        raise PaymentNotSucceeded(
            f"The payment '{payment.transaction_id}' is {payment.status}; receipts and order "
            "metadata attach only to succeeded payments."
        )


def payment_minor_units(payment: Payment) -> int:
    return to_minor_units(Decimal(payment.amount), payment.currency)
