"""A plan as the Wix Pricing Plans v2 plans API shows it (``Plan`` / ``PublicPlan``).

REST key names (``id``, ``createdDate``), money as ``{value, currency}`` with a decimal
string, the pricing model as exactly one of ``subscription``, ``singlePaymentForDuration``,
``singlePaymentUnlimited``. Tally lets every buyer pick a future start and cancel, so
``allowFutureStartDate`` and ``buyerCanCancel`` are always true.
"""

from __future__ import annotations

from typing import Any

from config.money import to_wire as money
from orders.models import Plan, PricingModel
from orders.wire import timestamp


def pricing_to_wire(plan: Plan) -> dict[str, Any]:
    duration = {"count": plan.duration_count or 1, "unit": plan.duration_unit}
    pricing: dict[str, Any] = {}
    if plan.pricing_model == PricingModel.SUBSCRIPTION:
        pricing["subscription"] = {"cycleDuration": duration, "cycleCount": plan.cycle_count}
        if plan.free_trial_days:
            pricing["freeTrialDays"] = plan.free_trial_days
    elif plan.pricing_model == PricingModel.SINGLE_PAYMENT_FOR_DURATION:
        pricing["singlePaymentForDuration"] = duration
    else:
        pricing["singlePaymentUnlimited"] = True
    pricing["price"] = {"value": money(plan.price, plan.currency), "currency": plan.currency}
    return pricing


def plan_to_wire(plan: Plan, *, public: bool = False) -> dict[str, Any]:
    """The plan; ``public`` leaves out what only the owner's apps see (PublicPlan)."""
    body: dict[str, Any] = {
        "id": str(plan.id),
        "name": plan.name,
        "description": plan.description,
        "perks": {"values": list(plan.perks or [])},
        "pricing": pricing_to_wire(plan),
        "primary": plan.primary,
        "createdDate": timestamp(plan.created),
        "updatedDate": timestamp(plan.updated),
        "slug": plan.slug,
        "maxPurchasesPerBuyer": plan.purchase_limit or 0,
        "allowFutureStartDate": True,
        "buyerCanCancel": True,
        "termsAndConditions": plan.terms_and_conditions,
    }
    if not public:
        body["public"] = plan.is_public
        body["archived"] = plan.archived
        body["hasOrders"] = bool(getattr(plan, "has_orders", False))
    return body
