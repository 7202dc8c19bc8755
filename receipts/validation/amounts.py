"""Order-line arithmetic (contract section 9).

Every amount is an integer in minor units (1 kr = 100 øre) and ``taxPercentage`` is in
hundredths of a percent (2500 = 25 %). Per line:

* ``amountIncludingTax == amountExcludingTax + taxAmount``, exactly (the rule the live service
  enforces: "Total amount - total amount excluding tax don't match order line total tax amount").
* ``taxAmount`` matches the rate up to rounding: it may differ from
  ``amountExcludingTax × taxPercentage / 10000`` by at most
  ``quantity + amountExcludingTax / 10000`` minor units. That is one minor unit per item, for
  tax rounded per item in any direction (half-up, down, up), plus the error of a rate that was
  itself derived from the amounts and rounded or truncated to 1/100 %, which is how shop
  plugins fill it in. A rate one percentage point off is a hundred times further than that.
* No tax on nothing: a 0 % rate or a zero amount excluding tax means ``taxAmount`` is 0.
* ``discount`` is informational: already deducted from both amounts (the v2 reading).

The receipt total is ``sum(amountIncludingTax) + shippingAmount``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

MAX_AMOUNT = 2**31 - 1  # the draft's integers are int32
MAX_TAX_PERCENTAGE = 10_000  # 100 %
MAX_QUANTITY = 2**31 - 1


@dataclass(frozen=True)
class LineAmounts:
    amount_excluding_tax: int
    amount_including_tax: int
    tax_amount: int
    tax_percentage: int
    discount: int
    quantity: int


def expected_tax(amount_excluding_tax: int, tax_percentage: int) -> Fraction:
    return Fraction(amount_excluding_tax * tax_percentage, 10_000)


def tax_tolerance(amount_excluding_tax: int, quantity: int) -> Fraction:
    return quantity + Fraction(amount_excluding_tax, 10_000)


def line_problems(line: LineAmounts) -> dict[str, str]:
    """Reasons keyed by the wire name of the field at fault; empty when the line adds up."""
    problems: dict[str, str] = {}
    excl, incl, tax = line.amount_excluding_tax, line.amount_including_tax, line.tax_amount
    if incl != excl + tax:
        problems["amountIncludingTax"] = (
            f"must equal amountExcludingTax + taxAmount ({excl} + {tax} = {excl + tax}), not {incl}"
        )
    if line.tax_percentage == 0 or excl == 0:
        if tax != 0:
            problems["taxAmount"] = "must be 0 when taxPercentage is 0 or amountExcludingTax is 0"
        return problems
    expected = expected_tax(excl, line.tax_percentage)
    allowed = tax_tolerance(excl, line.quantity)
    if abs(tax - expected) > allowed:
        problems["taxAmount"] = (
            f"does not match taxPercentage: {excl} × {line.tax_percentage} / 10000 = "
            f"{_show(expected)}, and {tax} is more than {_show(allowed)} away"
        )
    return problems


def receipt_total(lines: Iterable[LineAmounts], shipping_amount: int) -> int:
    return sum(line.amount_including_tax for line in lines) + shipping_amount


def _show(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}"
