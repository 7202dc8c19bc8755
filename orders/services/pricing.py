"""What a plan costs a buyer: coupon discount, tax, and the per-cycle "spanned" prices.

One quote feeds the order's stored pricing, every invoice of the order and the price
preview, so what a buyer is shown is what they are billed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import F

from accounts.models import User
from config import clock
from config.money import quantize, to_wire
from orders.errors import CouponError
from orders.models import Coupon, DiscountType, Order, Plan, PricingModel, TaxSetting
from orders.wire import price_details_to_wire

HUNDRED = Decimal(100)
ZERO = Decimal(0)


@dataclass(frozen=True)
class Quote:
    """The price of one cycle (or the single payment) with its parts, all Decimal."""

    currency: str
    plan_price: Decimal
    subtotal: Decimal
    discount: Decimal
    tax_name: str
    tax_rate: Decimal
    tax_included: bool
    tax_amount: Decimal
    total: Decimal
    coupon: Coupon | None = None
    prices: list[dict[str, Any]] = field(default_factory=list)
    price_details: dict[str, Any] = field(default_factory=dict)

    def order_fields(self) -> dict[str, Any]:
        """The pricing fields an order stores."""
        return {
            "coupon": self.coupon,
            "coupon_code": self.coupon.code if self.coupon else "",
            "subtotal": self.subtotal,
            "discount": self.discount,
            "tax_name": self.tax_name,
            "tax_rate": self.tax_rate,
            "tax_included": self.tax_included,
            "tax_amount": self.tax_amount,
            "total": self.total,
            "prices": self.prices,
        }


def discount_of(coupon: Coupon | None, subtotal: Decimal, currency: str) -> Decimal:
    if coupon is None:
        return ZERO
    if coupon.discount_type == DiscountType.PERCENT:
        amount = subtotal * min(coupon.value, HUNDRED) / HUNDRED
    else:
        amount = coupon.value
    return quantize(min(amount, subtotal), currency)


def tax_of(net: Decimal, tax: TaxSetting, currency: str) -> tuple[Decimal, Decimal]:
    """(tax amount, total) of a net amount under the site's tax setting."""
    rate = Decimal(tax.rate or 0)
    if not rate:
        return ZERO, net
    if tax.included_in_price:
        amount = quantize(net - net * HUNDRED / (HUNDRED + rate), currency)
        return amount, net
    amount = quantize(net * rate / HUNDRED, currency)
    return amount, net + amount


def price_quote(*, plan: Plan, coupon: Coupon | None = None) -> Quote:
    """The price of ``plan`` with ``coupon`` under the current tax setting (not buyer specific)."""
    currency = plan.currency
    subtotal = quantize(plan.price, currency)
    discount = discount_of(coupon, subtotal, currency)
    tax = TaxSetting.current()
    tax_amount, total = tax_of(subtotal - discount, tax, currency)
    tax_rate = Decimal(tax.rate or 0)
    quote = Quote(
        currency=currency,
        plan_price=subtotal,
        subtotal=subtotal,
        discount=discount,
        tax_name=tax.name if tax_rate else "",
        tax_rate=tax_rate,
        tax_included=bool(tax.included_in_price),
        tax_amount=tax_amount,
        total=total,
        coupon=coupon,
    )
    prices = [_spanned_price(plan, quote)]
    details = _price_details(plan, quote, prices)
    return Quote(**{**quote.__dict__, "prices": prices, "price_details": details})


def price_preview(
    *,
    plan: Plan,
    coupon_code: str | None = None,
    buyer: User | None = None,
    at: datetime | None = None,
    lock: bool = False,
) -> Quote:
    """What ``plan`` costs at ``at`` (now) with ``coupon_code`` (CouponError when it does not
    apply): validate the coupon, then quote.

    Every checkout, order preview, the API's price preview, the admin's and the checkout page's
    live price ask here, so each shows what the checkout will bill. With a ``buyer``, the
    coupon's per-buyer limit counts too; with ``lock`` the coupon row stays locked for the
    caller's ``coupon_use(quote.coupon)``.
    """
    coupon = None
    if coupon_code:
        at = at or clock.now()
        coupon = coupon_validate(code=coupon_code, plan=plan, buyer=buyer, at=at, lock=lock)
    return price_quote(plan=plan, coupon=coupon)


def _spanned_price(plan: Plan, quote: Quote) -> dict[str, Any]:
    currency = quote.currency
    duration: dict[str, Any] = {"cycleFrom": 1}
    if plan.pricing_model != PricingModel.SUBSCRIPTION:
        duration["numberOfCycles"] = 1
    elif plan.cycle_count:
        duration["numberOfCycles"] = plan.cycle_count
    price: dict[str, Any] = {
        "subtotal": to_wire(quote.subtotal, currency),
        "discount": to_wire(quote.discount, currency),
        "total": to_wire(quote.total, currency),
        "currency": currency,
        "proration": "0",
    }
    if quote.coupon is not None:
        price["coupon"] = {
            "code": quote.coupon.code,
            "amount": to_wire(quote.discount, currency),
            "id": str(quote.coupon.id),
        }
    if quote.tax_rate:
        price["tax"] = {
            "name": quote.tax_name,
            "includedInPrice": quote.tax_included,
            "rate": format(quote.tax_rate.quantize(Decimal("0.01")), "f"),
            "amount": to_wire(quote.tax_amount, currency),
        }
    return {"duration": duration, "price": price}


def _price_details(plan: Plan, quote: Quote, prices: list) -> dict[str, Any]:
    """The deprecated PriceDetails, rendered exactly as an order of this quote shows it."""
    order = Order(
        plan=plan,
        plan_price=quote.plan_price,
        currency=quote.currency,
        pricing_model=plan.pricing_model,
        duration_count=plan.duration_count,
        duration_unit=plan.duration_unit,
        cycle_count=plan.cycle_count,
        free_trial_days=plan.free_trial_days,
        **{**quote.order_fields(), "prices": prices},
    )
    return price_details_to_wire(order)


def coupon_find(code: str, *, lock: bool = False) -> Coupon | None:
    queryset = Coupon.objects.filter(code__iexact=(code or "").strip())
    if lock:
        queryset = queryset.select_for_update()
    return queryset.first()


def coupon_validate(
    *, code: str, plan: Plan, buyer: User | None = None, at: datetime, lock: bool = False
) -> Coupon:
    """The coupon ``code`` if ``buyer`` may use it on ``plan`` at ``at``, else CouponError.

    With ``lock`` the coupon row stays locked until the transaction ends, so two checkouts
    cannot both take its last use (the caller then calls ``coupon_use``).
    """
    coupon = coupon_find(code, lock=lock)

    def refuse(reason: str) -> CouponError:
        return CouponError(reason, coupon_code=code, plan_id=plan.pk)

    if coupon is None:
        raise refuse("ERROR_COUPON_DOES_NOT_EXIST")
    if not coupon.enabled:
        raise refuse("ERROR_COUPON_IS_DISABLED")
    if coupon.valid_from and at < coupon.valid_from:
        raise refuse("ERROR_COUPON_IS_NOT_ACTIVE_YET")
    if coupon.valid_until and at >= coupon.valid_until:
        raise refuse("ERROR_COUPON_HAS_EXPIRED")
    if coupon.plans.exists() and not coupon.plans.filter(pk=plan.pk).exists():
        raise refuse("ERROR_COUPON_NOT_APPLICABLE_FOR_PLAN")
    if plan.price <= 0:
        raise refuse("ERROR_INVALID_SUBTOTAL")
    if coupon.usage_limit is not None and coupon.times_used >= coupon.usage_limit:
        raise refuse("ERROR_COUPON_USAGE_EXCEEDED")
    if coupon.per_buyer_limit is not None and buyer is not None and buyer.pk is not None:
        used = Order.objects.filter(buyer=buyer, coupon=coupon).count()
        if used >= coupon.per_buyer_limit:
            raise refuse("ERROR_COUPON_LIMIT_PER_CUSTOMER_EXCEEDED")
    return coupon


def coupon_use(coupon: Coupon) -> None:
    """Count one use of a coupon validated (and locked) in this transaction."""
    Coupon.objects.filter(pk=coupon.pk).update(times_used=F("times_used") + 1)
    coupon.times_used += 1
