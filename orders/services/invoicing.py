"""Invoices (one per billed cycle) and payments, built in memory for ``Changes`` to write.

An invoice copies the order's pricing when it is issued and never changes afterwards, except
for its status (ISSUED -> PAID, or VOID). Cycle 0 of a free trial gets a zero invoice: paying it
is how an online buyer sets up payment without being charged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from config.money import quantize
from orders.models import Invoice, InvoiceLine, Order, Payment
from orders.services.changes import Changes

ZERO = Decimal(0)


@dataclass(frozen=True)
class ExtraLine:
    """A line added to an order's first invoice, e.g. a proration credit (negative)."""

    description: str
    amount: Decimal
    kind: str = InvoiceLine.Kind.PRORATION


def _line(invoice: Invoice, position: int, kind: str, description: str, amount) -> InvoiceLine:
    return InvoiceLine(
        invoice=invoice,
        position=position,
        kind=kind,
        description=description[:200],
        quantity=1,
        unit_price=amount,
        amount=amount,
    )


def invoice_issue(
    changes: Changes, order: Order, *, cycle_index: int, extra_lines: Iterable = ()
) -> Invoice:
    """Issue the invoice of cycle ``cycle_index`` of ``order`` (numbered when written)."""
    currency = order.currency
    trial = cycle_index == 0
    invoice = Invoice(
        order=order,
        cycle_index=cycle_index,
        currency=currency,
        subtotal=ZERO if trial else order.subtotal,
        discount=ZERO if trial else order.discount,
        tax_name=order.tax_name,
        tax_rate=order.tax_rate,
        tax_amount=ZERO if trial else order.tax_amount,
        total=ZERO if trial else order.total,
        issued_date=changes.at,
    )
    lines = []
    if trial:
        lines.append(
            _line(
                invoice,
                1,
                InvoiceLine.Kind.PLAN,
                f"{order.plan_name}: free trial ({order.free_trial_days} days)",
                ZERO,
            )
        )
    else:
        label = order.plan_name if cycle_index <= 1 else f"{order.plan_name}, cycle {cycle_index}"
        lines.append(_line(invoice, 1, InvoiceLine.Kind.PLAN, label, order.subtotal))
        if order.discount:
            code = order.coupon_code or "discount"
            lines.append(
                _line(invoice, 2, InvoiceLine.Kind.DISCOUNT, f"Coupon {code}", -order.discount)
            )
        if order.tax_amount and not order.tax_included:
            lines.append(
                _line(
                    invoice,
                    len(lines) + 1,
                    InvoiceLine.Kind.TAX,
                    f"{order.tax_name} {order.tax_rate}%",
                    order.tax_amount,
                )
            )
    for extra in extra_lines:
        amount = quantize(Decimal(extra.amount), currency)
        lines.append(_line(invoice, len(lines) + 1, extra.kind, extra.description, amount))
        invoice.total += amount
    invoice.total = max(invoice.total, ZERO)
    changes.invoices.append(invoice)
    changes.lines.extend(lines)
    return invoice


def invoice_settle(changes: Changes, invoice: Invoice, *, method: str | None, new: bool) -> None:
    """Mark ``invoice`` paid; record a payment unless it is a zero invoice."""
    invoice.status = Invoice.Status.PAID
    invoice.paid_date = changes.at
    if not new:
        changes.invoices_paid.append(invoice)
    if method is not None and invoice.total > 0:
        payment_record(changes, invoice, status=Payment.Status.SUCCEEDED, method=method)


def payment_record(
    changes: Changes, invoice: Invoice, *, status: str, method: str, failure_reason: str = ""
) -> Payment:
    payment = Payment(
        order=invoice.order,
        invoice=invoice,
        amount=invoice.total,
        currency=invoice.currency,
        status=status,
        method=method,
        failure_reason=failure_reason[:200],
        created_date=changes.at,
        plan_name=invoice.order.plan_name,
    )
    changes.payments.append(payment)
    return payment
