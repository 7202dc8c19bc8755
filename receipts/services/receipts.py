"""Storing the receipt of a payment: once, checked line by line, never changed afterwards.
A correction is a new version beside the old ones (``receipt_correct``), never an overwrite."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from accounts.actors import Actor
from config import clock
from orders.models import Payment
from orders.services.timeline import timeline_append
from receipts.errors import ReceiptExists, ReceiptNotFound, ReceiptsInvalid
from receipts.models import RECEIPT_REASON_MAX, QuantityUnit, Receipt, ReceiptLine
from receipts.services.payments import (
    payment_get,
    payment_guard_succeeded,
    payment_minor_units,
)
from receipts.validation.amounts import LineAmounts, line_problems, receipt_total
from receipts.validation.links import link_problem
from receipts.validation.text import text_problem


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
            _record_stored(payment, receipt, len(lines), actor)
    except IntegrityError:
        if Receipt.objects.filter(payment__transaction_id=transaction_id).exists():
            raise ReceiptExists() from None
        raise
    return receipt


@dataclass(frozen=True)
class Correction:
    receipt: Receipt
    created: bool  # False: the same correction again, answered with the version it made


def receipt_correct(
    *,
    transaction_id: str,
    lines: Sequence[OrderLineInput],
    shipping_amount: int,
    reason: str,
    actor: Actor,
) -> Correction:
    """Store a corrected receipt as the next version, with why. The earlier versions stay as
    they were. The same lines, shipping and reason as the latest version are a retry: nothing
    is stored and that version is the answer, so a retried correction adds no version."""
    problems = receipt_problems(lines) + _reason_problems(reason)
    if problems:
        raise ReceiptsInvalid(problems)
    total = receipt_total(lines, shipping_amount)
    with transaction.atomic():
        # The payment row lock serialises corrections, so versions are numbered without gaps.
        payment = payment_get(transaction_id, lock=True)
        payment_guard_succeeded(payment)
        latest = Receipt.objects.filter(payment=payment).order_by("-version").first()
        if latest is None:
            raise ReceiptNotFound(
                f"The payment '{transaction_id}' has no receipt to correct; upload it first."
            )
        if _same(latest, lines, shipping_amount, reason):
            return Correction(latest, created=False)
        _guard_total(payment, total)
        receipt = _create(
            payment, lines, shipping_amount, total, actor, version=latest.version + 1, reason=reason
        )
        _record_correction(payment, latest, receipt, actor)
    return Correction(receipt, created=True)


def receipt_get(transaction_id: str, *, version: int | None = None) -> Receipt:
    """The latest version of the payment's receipt, or version ``version``."""
    payment = payment_get(transaction_id)
    receipts = Receipt.objects.filter(payment=payment).prefetch_related("lines")
    if version is not None:
        receipts = receipts.filter(version=version)
    receipt = receipts.order_by("-version").first()
    if receipt is None:
        which = f"no version {version} of its receipt" if version is not None else "no receipt"
        raise ReceiptNotFound(f"The payment '{transaction_id}' has {which} yet.")
    receipt.payment = payment
    return receipt


def receipt_problems(lines: Sequence[OrderLineInput]) -> list[dict[str, str]]:
    """Every arithmetic and link problem of the lines, named by JSON path."""
    problems: list[dict[str, str]] = []
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
    *,
    version: int = 1,
    reason: str = "",
) -> Receipt:
    now = clock.now()
    receipt = Receipt(
        payment=payment,
        version=version,
        reason=reason,
        currency=payment.currency,
        shipping_amount=shipping_amount,
        total_amount=total,
    )
    receipt.stamp(actor, now)
    receipt.save(force_insert=True)
    ReceiptLine.objects.bulk_create(
        ReceiptLine(receipt=receipt, position=position, **_line_fields(line))
        for position, line in enumerate(lines)
    )
    return receipt


def _record_stored(payment: Payment, receipt: Receipt, lines: int, actor: Actor) -> None:
    timeline_append(
        payment.order,
        actor=actor,
        action="receipt_stored",
        data={
            "transactionId": payment.transaction_id,
            "lines": lines,
            "totalAmount": receipt.total_amount,
            "currency": receipt.currency,
        },
    )


def _record_correction(payment: Payment, before: Receipt, after: Receipt, actor: Actor) -> None:
    timeline_append(
        payment.order,
        actor=actor,
        action="receipt_corrected",
        reason=after.reason,
        data={
            "transactionId": payment.transaction_id,
            "version": after.version,
            "previousVersion": before.version,
            "totalAmount": after.total_amount,
            "previousTotalAmount": before.total_amount,
            "currency": after.currency,
            "reason": after.reason,
        },
    )


def _reason_problems(reason: str) -> list[dict[str, str]]:
    if not reason.strip():
        return [{"name": "reason", "reason": "is required: say why the receipt is corrected."}]
    problem = text_problem(reason, max_length=RECEIPT_REASON_MAX)
    return [{"name": "reason", "reason": problem}] if problem else []


def _same(receipt: Receipt, lines: Sequence[OrderLineInput], shipping: int, reason: str) -> bool:
    stored = [_line_fields(line) for line in receipt.lines.order_by("position")]
    sent = [_line_fields(line) for line in lines]
    return receipt.reason == reason and receipt.shipping_amount == shipping and stored == sent


# What a line says, in the names both OrderLineInput and ReceiptLine use.
LINE_FIELDS = (
    "product_id",
    "description",
    "amount_excluding_tax",
    "amount_including_tax",
    "tax_amount",
    "tax_percentage",
    "discount",
    "quantity",
    "quantity_unit",
    "product_url",
)


def _line_fields(line: OrderLineInput | ReceiptLine) -> dict[str, object]:
    return {name: getattr(line, name) for name in LINE_FIELDS}
