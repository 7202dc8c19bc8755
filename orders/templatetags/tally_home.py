"""The admin home's "next steps" (orders/checklist.py), for the signed-in owner."""

from __future__ import annotations

from django import template

from orders.checklist import steps_for

register = template.Library()


@register.simple_tag(takes_context=True)
def next_steps(context) -> dict:
    """The steps, and whether all are done (then the home shows none of them)."""
    steps = steps_for(context["request"].user)
    return {"steps": steps, "all_done": all(s["done"] for s in steps)}
