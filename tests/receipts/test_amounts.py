"""Order-line arithmetic (contract section 9): examples and properties."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from receipts.validation.amounts import LineAmounts, line_problems, receipt_total

ROUNDINGS = {
    "half_up": lambda x: math.floor(x + Fraction(1, 2)),
    "down": math.floor,
    "up": math.ceil,
}

units = st.integers(min_value=0, max_value=1_000_000)  # up to 10 000.00 a unit
quantities = st.integers(min_value=1, max_value=1000)
rates = st.integers(min_value=0, max_value=10_000)


def make(excl: int, tax: int, rate: int, quantity: int = 1, incl: int | None = None):
    return LineAmounts(
        amount_excluding_tax=excl,
        amount_including_tax=excl + tax if incl is None else incl,
        tax_amount=tax,
        tax_percentage=rate,
        discount=0,
        quantity=quantity,
    )


@settings(max_examples=500)
@given(units, quantities, rates, st.sampled_from(sorted(ROUNDINGS)))
def test_tax_rounded_per_item_in_any_direction_is_accepted(unit, quantity, rate, rounding):
    # given: tax computed on one item, rounded, times the quantity (how tills do it)
    tax = ROUNDINGS[rounding](Fraction(unit * rate, 10_000)) * quantity
    # then
    assert line_problems(make(unit * quantity, tax, rate, quantity)) == {}


@settings(max_examples=500)
@given(st.integers(1, 2**31 - 1), st.integers(0, 10_000), st.sampled_from(sorted(ROUNDINGS)))
def test_a_rate_derived_from_the_amounts_and_rounded_is_accepted(excl, permyriad, rounding):
    # given: a line total and its tax; the rate is derived from them as shop plugins do
    tax = excl * permyriad // 10_000
    rate = ROUNDINGS[rounding](Fraction(tax * 10_000, excl))
    assume(rate > 0 or tax == 0)
    # then
    assert line_problems(make(excl, tax, rate)) == {}


@settings(max_examples=500)
@given(st.integers(1000, 2**31 - 1), rates, st.integers(100, 10_000))
def test_tax_at_a_rate_off_by_a_point_or_more_is_refused(excl, rate, off):
    # given: the tax of another rate, at least one percentage point away
    other = rate + off if rate + off <= 10_000 else rate - off
    assume(0 <= other <= 10_000 and abs(other - rate) >= 100)
    tax = round(Fraction(excl * other, 10_000))
    # then
    assert "taxAmount" in line_problems(make(excl, tax, rate))


@settings(max_examples=300)
@given(units, st.integers(0, 1_000_000), rates, st.integers(-1000, 1000))
def test_including_tax_must_be_excluding_tax_plus_tax_exactly(excl, tax, rate, error):
    line = make(excl, tax, rate, incl=excl + tax + error)
    assert ("amountIncludingTax" in line_problems(line)) == (error != 0)


@given(st.lists(st.integers(0, 2**31 - 1), max_size=50), st.integers(0, 2**31 - 1))
def test_receipt_total_is_the_integer_sum_of_lines_and_shipping(incls, shipping):
    lines = [make(incl, 0, 0) for incl in incls]
    total = receipt_total(lines, shipping)
    assert type(total) is int
    assert total == sum(incls) + shipping


@pytest.mark.parametrize(
    ("excl", "tax", "rate", "quantity"),
    [
        (10000, 2500, 2500, 1),  # 25 % of 100.00
        (10000, 2000, 2000, 1),  # the draft's example, 20 %
        (9999, 2499, 2500, 3),  # 3 × 33.33 at 25 %, rounded per item
        (10000, 1500, 1500, 1),  # 15 % is 1500
        (0, 0, 2500, 1),  # a free item
        (10000, 0, 0, 1),  # no tax
    ],
)
def test_lines_that_add_up_have_no_problems(excl, tax, rate, quantity):
    assert line_problems(make(excl, tax, rate, quantity)) == {}


@pytest.mark.parametrize(
    ("excl", "tax", "rate", "field"),
    [
        (10000, 2000, 2500, "taxAmount"),  # 20.00 is not 25 % of 100.00
        (10000, 1, 0, "taxAmount"),  # tax at 0 %
        (0, 1, 2500, "taxAmount"),  # tax on nothing
        (10000, 2503, 2500, "taxAmount"),  # 3 minor units off on one item
    ],
)
def test_lines_that_do_not_add_up_name_the_field(excl, tax, rate, field):
    assert field in line_problems(make(excl, tax, rate))
