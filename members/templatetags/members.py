"""``{% load members %}``: plans and orders described in words (members/display.py)."""

from __future__ import annotations

from django import template

from members import display

register = template.Library()


@register.filter
def plan_price_terms(plan) -> str:
    return display.price_terms(plan.price, plan.currency, plan)


@register.filter
def order_price_terms(order) -> str:
    return display.price_terms(order.plan_price, order.currency, order)


@register.filter
def duration_terms(priced) -> str:
    return display.duration_terms(priced)


@register.filter
def trial_terms(priced) -> str:
    return display.trial_terms(priced)
