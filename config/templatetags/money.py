"""``{% load money %}``: ``{{ amount|money:currency }}`` shows ``10.00 EUR`` (config.money)."""

from __future__ import annotations

from django import template

from config.money import format_money

register = template.Library()


@register.filter
def money(amount, currency: str) -> str:
    return format_money(amount, currency)
