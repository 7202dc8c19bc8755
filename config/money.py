"""Money helpers: ISO 4217 currencies and per-currency rounding. Money is always Decimal."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import get_currency_precision, list_currencies, parse_pattern
from django.core.exceptions import ValidationError

# Grouped amount, then the ISO code: 1,234.50 EUR (the digits follow the currency).
MONEY_PATTERN = "#,##0.00 \u00a4\u00a4"


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def is_currency(code: str) -> bool:
    return isinstance(code, str) and code in _currencies()


def validate_currency(code: str) -> None:
    if not is_currency(code):
        raise ValidationError(
            f"'{code}' is not an ISO 4217 currency code (use three capital letters, such as EUR)."
        )


@lru_cache(maxsize=512)
def exponent(currency: str) -> int:
    """Digits after the decimal point for this currency (EUR 2, JPY 0, KWD 3)."""
    return get_currency_precision(currency)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round half up to the currency's minor unit."""
    if isinstance(amount, float):
        raise TypeError("money is Decimal, never float")
    return Decimal(amount).quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


@lru_cache(maxsize=512)
def minor_unit(currency: str) -> Decimal:
    """The smallest amount of the currency (0.01 for EUR, 1 for JPY)."""
    return Decimal(1).scaleb(-exponent(currency))


def to_wire(amount: Decimal, currency: str) -> str:
    """The decimal string the Wix wire format carries ("10.00", "0")."""
    return format(quantize(amount, currency), "f")


def to_minor_units(amount: Decimal, currency: str) -> int:
    return int(quantize(amount, currency).scaleb(exponent(currency)))


def format_money(amount: Decimal | int | str | None, currency: str) -> str:
    """Money as people read it: ``10.00 EUR``, ``1,000 JPY``, by the currency's minor unit.

    The one way pages, emails and invoices show an amount (Babel knows each currency's
    digits); an empty amount is shown as an empty string, never as ``None``.
    """
    if amount is None or amount == "":
        return ""
    value = quantize(Decimal(amount), currency)
    pattern, locale = _money_pattern()
    return pattern.apply(value, locale, currency=currency, currency_digits=True)


@lru_cache(maxsize=1)
def _money_pattern():
    """The parsed pattern and its locale, built once (Babel would parse both on every call)."""
    return parse_pattern(MONEY_PATTERN), Locale.parse("en")


def from_minor_units(minor_units: int, currency: str) -> Decimal:
    """The amount of integer minor units (receipts carry them: 1050 EUR is 10.50)."""
    return Decimal(minor_units).scaleb(-exponent(currency))
