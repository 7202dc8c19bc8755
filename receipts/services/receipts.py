"""Storing the receipt of a payment: once, checked line by line, never changed afterwards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from accounts.actors import Actor
from config import clock
from orders.models import Payment
from orders.services.timeline import timeline_append
from receipts.errors import ReceiptExists, ReceiptNotFound, ReceiptsInvalid
from receipts.models import QuantityUnit, Receipt, ReceiptLine
from receipts.services.payments import (
    payment_get,
    payment_guard_succeeded,
    payment_minor_units,
)
from receipts.validation.amounts import LineAmounts, line_problems, receipt_total
from receipts.validation.links import link_problem


@dataclass(frozen=True)
class OrderLineInput(LineAmounts):
    product_id: str
    description: str
    quantity_unit: str = QuantityUnit.UNKNOWN
    product_url: str = ""


def receipt_store(
    *,
    transaction_id: str,
    lines: Sequence[OrderLineInput],
    shipping_amount: int,
    actor: Actor,
) -> Receipt:
    """Store the receipt of the payment. A second receipt for the same payment is refused
    (409) and the first is left exactly as it was."""
    problems = receipt_problems(lines)
    if problems:
        raise ReceiptsInvalid(problems)
    total = receipt_total(lines, shipping_amount)
    try:
        with transaction.atomic():
            # The payment row lock serialises two first POSTs; the one-to-one constraint is
            # the backstop should a caller ever skip the lock.
            payment = payment_get(transaction_id, lock=True)
            payment_guard_succeeded(payment)
            if Receipt.objects.filter(payment=payment).exists():
                raise ReceiptExists()
            _guard_total(payment, total)
            receipt = _create(payment, lines, shipping_amount, total, actor)
    except IntegrityError:
        if Receipt.objects.filter(payment__transaction_id=transaction_id).exists():
            raise ReceiptExists() from None
        raise
    return receipt


def receipt_get(transaction_id: str) -> Receipt:
    payment = payment_get(transaction_id)
    receipt = Receipt.objects.filter(payment=payment).prefetch_related("lines").first()
    if receipt is None:
        raise ReceiptNotFound(f"The payment '{transaction_id}' has no receipt yet.")
    receipt.payment = payment
    return receipt


def receipt_problems(lines: Sequence[OrderLineInput]) -> list[dict[str, str]]:
    """Every arithmetic and link problem of the lines, named by JSON path."""
    problems = []
    for index, line in enumerate(lines):
        named = line_problems(line)
        if line.product_url:
            reason = link_problem(line.product_url)
            if reason:
                named["productUrl"] = reason
        problems.extend(
            {"name": f"orderLines[{index}].{field}", "reason": reason}
            for field, reason in named.items()
        )
    return problems


def _guard_total(payment: Payment, total: int) -> None:
    paid = payment_minor_units(payment)
    if total > paid:
        raise ReceiptsInvalid.field(
            "orderLines",
            f"the receipt total (lines including tax plus shipping) is {total} minor units, "
            f"more than the {paid} of the payment ({payment.amount} {payment.currency})",
        )


def _create(
    payment: Payment,
    lines: Sequence[OrderLineInput],
    shipping_amount: int,
    total: int,
    actor: Actor,
) -> Receipt:
    now = clock.now()
    receipt = Receipt(
        payment=payment,
        currency=payment.currency,
        shipping_amount=shipping_amount,
        total_amount=total,
    )
    receipt.stamp(actor, now)
    receipt.save(force_insert=True)
    ReceiptLine.objects.bulk_create(
        ReceiptLine(
            receipt=receipt,
            position=position,
            product_id=line.product_id,
            description=line.description,
            amount_excluding_tax=line.amount_excluding_tax,
            amount_including_tax=line.amount_including_tax,
            tax_amount=line.tax_amount,
            tax_percentage=line.tax_percentage,
            discount=line.discount,
            quantity=line.quantity,
            quantity_unit=line.quantity_unit,
            product_url=line.product_url,
        )
        for position, line in enumerate(lines)
    )
    timeline_append(
        payment.order,
        actor=actor,
        action="receipt_stored",
        data={
            "transactionId": payment.transaction_id,
            "lines": len(lines),
            "totalAmount": total,
            "currency": payment.currency,
        },
    )
    return receipt
