"""How plans and orders are described to members in words: price and cycle, trial, duration.

Pages and emails call these instead of showing a raw ``timedelta`` or a model's choice value.
They read the fields plans and orders share (``pricing_model``, ``duration_count``,
``duration_unit``, ``cycle_count``, ``free_trial_days``), so one wording serves both.
"""

from __future__ import annotations

from decimal import Decimal

from config.money import format_money
from orders.models import PeriodUnit, PricingModel


def period(count: int | None, unit: str) -> str:
    """``1, MONTH`` -> "month"; ``3, MONTH`` -> "3 months"."""
    count = count or 1
    name = PeriodUnit(unit).label if unit else "month"
    return name if count == 1 else f"{count} {name}s"


def days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def price_terms(price: Decimal, currency: str, priced) -> str:
    """ "10.00 EUR every month", "25.00 EUR once for 3 months", "Free"."""
    if not price:
        return "Free"
    amount = format_money(price, currency)
    if priced.pricing_model == PricingModel.SUBSCRIPTION:
        return f"{amount} every {period(priced.duration_count, priced.duration_unit)}"
    if priced.pricing_model == PricingModel.SINGLE_PAYMENT_FOR_DURATION:
        return f"{amount} once for {period(priced.duration_count, priced.duration_unit)}"
    return f"{amount} once"


def duration_terms(priced) -> str:
    """How long the plan runs: "Until canceled", "12 payments (12 months)", "3 months"."""
    if priced.pricing_model == PricingModel.SINGLE_PAYMENT_UNLIMITED:
        return "No end date"
    if priced.pricing_model == PricingModel.SINGLE_PAYMENT_FOR_DURATION:
        return period(priced.duration_count, priced.duration_unit)
    if not priced.cycle_count:
        return "Renews until canceled"
    total = period(priced.cycle_count * (priced.duration_count or 1), priced.duration_unit)
    payments = "1 payment" if priced.cycle_count == 1 else f"{priced.cycle_count} payments"
    return f"{payments} ({total})"


def trial_terms(priced) -> str:
    """ "14-day free trial" or "" (only subscriptions have trials)."""
    trial = priced.free_trial_days if priced.pricing_model == PricingModel.SUBSCRIPTION else None
    return f"{trial}-day free trial" if trial else ""
