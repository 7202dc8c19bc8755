"""Request shapes of the plans API (``@wix/auto_sdk_pricing-plans_plans``), and the plan
fields they name in Tally's terms. They only parse; the catalogue services decide."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from rest_framework import serializers

from config.errors import FieldError
from orders.api.serializers import Guid, enum, guid_list
from orders.models import PricingModel
from orders.plan_selectors import ARCHIVED_FILTERS, PUBLIC_FILTERS

UNITS = ("DAY", "WEEK", "MONTH", "YEAR")
MAX_LIMIT = 100
DEFAULT_LIMIT = 75
MAX_MONEY = Decimal("1000000000000")


class PublicPlansQuery(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT)
    offset = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    planIds = guid_list(max_length=100)


class PlansQuery(PublicPlansQuery):
    archived = enum(ARCHIVED_FILTERS, required=False, default="ACTIVE")
    public = enum(PUBLIC_FILTERS, required=False, default="PUBLIC_AND_HIDDEN")


class Duration(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=999, required=False, default=1)
    unit = enum(UNITS)


class Recurrence(serializers.Serializer):
    cycleDuration = Duration()
    cycleCount = serializers.IntegerField(
        min_value=0, max_value=2000, required=False, allow_null=True, default=0
    )


class MoneyField(serializers.Serializer):
    value = serializers.CharField(max_length=20)
    currency = serializers.CharField(min_length=3, max_length=3, required=False)

    def validate_value(self, value: str) -> Decimal:
        try:
            amount = Decimal(value)
        except InvalidOperation as exc:
            raise serializers.ValidationError("must be a decimal string such as '9.99'.") from exc
        if not amount.is_finite() or not 0 <= amount < MAX_MONEY or amount.as_tuple().exponent < -3:
            raise serializers.ValidationError("must be 0 or more, with at most 3 decimals.")
        return amount


class Pricing(serializers.Serializer):
    subscription = Recurrence(required=False)
    singlePaymentForDuration = Duration(required=False)
    singlePaymentUnlimited = serializers.BooleanField(required=False, allow_null=True)
    price = MoneyField(required=False)
    freeTrialDays = serializers.IntegerField(
        min_value=0, max_value=999, required=False, allow_null=True
    )


class StringList(serializers.Serializer):
    values = serializers.ListField(
        child=serializers.CharField(min_length=1, max_length=1400), max_length=500, default=list
    )


class PlanInput(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    description = serializers.CharField(
        max_length=450, required=False, allow_blank=True, allow_null=True
    )
    perks = StringList(required=False)
    pricing = Pricing(required=False)
    public = serializers.BooleanField(required=False, allow_null=True)
    maxPurchasesPerBuyer = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, required=False, allow_null=True
    )
    termsAndConditions = serializers.CharField(
        max_length=3000, required=False, allow_blank=True, allow_null=True
    )


class PlanBody(serializers.Serializer):
    plan = PlanInput()


class VisibilityBody(serializers.Serializer):
    visible = serializers.BooleanField()


class PlanIdBody(serializers.Serializer):
    id = Guid(required=False)


def plan_fields(plan: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """The model fields a validated ``plan`` sets (only those it names, for an update)."""
    fields: dict[str, Any] = {}
    if "name" in plan or creating:
        name = (plan.get("name") or "").strip()
        if not name:
            raise FieldError("plan.name", "must not be blank.", rule="PLAN_NAME_BLANK")
        fields["name"] = name
    if "description" in plan:
        fields["description"] = plan["description"] or ""
    if "perks" in plan:
        fields["perks"] = plan["perks"]["values"]
    if "public" in plan and plan["public"] is not None:
        fields["is_public"] = plan["public"]
    if "maxPurchasesPerBuyer" in plan:
        fields["purchase_limit"] = plan["maxPurchasesPerBuyer"] or None
    if "termsAndConditions" in plan:
        fields["terms_and_conditions"] = plan["termsAndConditions"] or ""
    if "pricing" in plan:
        fields.update(pricing_fields(plan["pricing"]))
    elif creating:
        raise FieldError("plan.pricing", "is required.", rule="REQUIRED_FIELD")
    return fields


def pricing_fields(pricing: dict[str, Any]) -> dict[str, Any]:
    """Exactly one pricing model, its durations, the price and the free trial."""
    models = [
        key
        for key in ("subscription", "singlePaymentForDuration", "singlePaymentUnlimited")
        if pricing.get(key) not in (None, False)
    ]
    if len(models) != 1:
        raise FieldError(
            "plan.pricing",
            "needs exactly one of subscription, singlePaymentForDuration, singlePaymentUnlimited.",
            rule="INVALID_PRICING_MODEL",
        )
    trial = pricing.get("freeTrialDays") or None
    price = pricing.get("price")
    fields: dict[str, Any] = {"free_trial_days": None, "cycle_count": 0}
    if models[0] == "subscription":
        if price is None:
            raise FieldError(
                "plan.pricing.price", "is required.", rule="RECURRING_PLAN_PAYMENT_PRICE_MISSING"
            )
        duration = pricing["subscription"]["cycleDuration"]
        fields.update(
            pricing_model=PricingModel.SUBSCRIPTION,
            duration_count=duration["count"],
            duration_unit=duration["unit"],
            cycle_count=pricing["subscription"].get("cycleCount") or 0,
            free_trial_days=trial,
        )
    else:
        if trial:
            raise FieldError(
                "plan.pricing.freeTrialDays",
                "is for subscriptions only.",
                rule="SINGLE_PAYMENT_FREE_TRIAL_UNSUPPORTED",
            )
        if models[0] == "singlePaymentForDuration":
            duration = pricing["singlePaymentForDuration"]
            fields.update(
                pricing_model=PricingModel.SINGLE_PAYMENT_FOR_DURATION,
                duration_count=duration["count"],
                duration_unit=duration["unit"],
            )
        else:
            fields.update(
                pricing_model=PricingModel.SINGLE_PAYMENT_UNLIMITED,
                duration_count=1,
                duration_unit="",
            )
    fields["price"] = price["value"] if price else Decimal("0")
    if price and price.get("currency"):
        fields["currency"] = price["currency"].upper()
    return fields
