"""Plans, coupons and tax as code writes them (demo data, commands, tests).

The admin saves plans and coupons through its model forms instead; both paths run the
models' own validation (``full_clean``), so the same rules hold either way.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from config.errors import InvalidError
from orders.models import Coupon, Plan, TaxSetting


def _validated(obj, exclude: list[str] | None = None):
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        details = "; ".join(
            f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()
        )
        raise InvalidError(details, code="INVALID_CATALOGUE_ENTRY") from exc
    return obj


@transaction.atomic
def plan_upsert(*, name: str, **fields: Any) -> Plan:
    """Create the plan called ``name``, or update it with ``fields`` (used by demo data)."""
    plan = Plan.objects.filter(name=name).first() or Plan(name=name)
    for key, value in fields.items():
        setattr(plan, key, value)
    _validated(plan)
    plan.save()
    return plan


@transaction.atomic
def coupon_upsert(*, code: str, plans: list[Plan] | None = None, **fields: Any) -> Coupon:
    coupon = Coupon.objects.filter(code__iexact=code).first() or Coupon(code=code)
    for key, value in fields.items():
        setattr(coupon, key, value)
    _validated(coupon)
    coupon.save()
    if plans is not None:
        coupon.plans.set(plans)
    return coupon


def tax_set(*, name: str, rate, included_in_price: bool) -> TaxSetting:
    tax = TaxSetting.current()
    tax.name, tax.rate, tax.included_in_price = name, rate, included_in_price
    _validated(tax)
    tax.save()
    return tax
