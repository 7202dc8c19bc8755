"""One way to show money: the amount by the currency's minor unit, then its code."""

from __future__ import annotations

from decimal import Decimal

from config.money import format_money


def test_money_shows_two_decimals_for_euros():
    assert format_money(Decimal("10"), "EUR") == "10.00 EUR"


def test_money_rounds_to_the_currency_minor_unit():
    assert format_money(Decimal("10.005"), "EUR") == "10.01 EUR"
    assert format_money(Decimal("1000"), "JPY") == "1,000 JPY"
    assert format_money(Decimal("1.5"), "KWD") == "1.500 KWD"


def test_money_shows_negative_amounts_and_nothing_for_none():
    assert format_money(Decimal("-2.5"), "EUR") == "-2.50 EUR"
    assert format_money(None, "EUR") == ""
