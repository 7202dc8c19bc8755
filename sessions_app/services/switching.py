"""Contract switches (contract section 3): which kind a switch is, when the new order starts,
what the buyer is credited, and what happens to the order switched from.

Only the decisions live here; the orders services make every change (``order_create_online``
with the credit as an extra invoice line, ``order_end_now``, ``order_cancel``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from config.errors import FieldError
from config.money import quantize
from orders.models import Order, OrderStatus, PaymentStatus, PeriodUnit, Plan, PricingModel
from orders.services.schedule import current_cycle
from sessions_app.data import ContractSwitchType, SessionData

FIELD = "sessionData.switchFromOrderId"
ZERO = Decimal("0")
# Average lengths, so that a yearly price compares fairly with twelve monthly ones.
DAYS_PER_UNIT = {
    PeriodUnit.DAY: Decimal(1),
    PeriodUnit.WEEK: Decimal(7),
    PeriodUnit.MONTH: Decimal("30.436875"),
    PeriodUnit.YEAR: Decimal("365.2425"),
}


@dataclass(frozen=True)
class Switch:
    """What submitting a switch does. ``start_date`` None means "now"."""

    kind: ContractSwitchType
    old_order: Order
    start_date: datetime | None
    credit: Decimal


def switch_fields_check(data: SessionData) -> None:
    """The switch types other than REGULAR need the order to switch from."""
    if data.contract_switch_type != ContractSwitchType.REGULAR and not data.switch_from_order_id:
        raise FieldError(
            FIELD,
            f"is required for contractSwitchType {data.contract_switch_type.value}",
            rule="REQUIRED_FIELD",
        )
    if data.switch_from_order_id and data.start_date is not None:
        raise FieldError(
            "sessionData.startDate",
            "cannot be given with switchFromOrderId: the switch type decides the start",
        )


def switch_from_order(data: SessionData, buyer, *, lock: bool = False) -> Order | None:
    """The buyer's active order named by ``switchFromOrderId`` (locked when ``lock``)."""
    switch_fields_check(data)
    if not data.switch_from_order_id:
        return None
    orders = Order.objects.filter(
        pk=data.switch_from_order_id, buyer=buyer, status=OrderStatus.ACTIVE
    )
    order = (orders.select_for_update() if lock else orders).first()
    if order is None:
        raise FieldError(FIELD, "is not an active order of this member", rule="INVALID")
    return order


def switch_decide(data: SessionData, *, old: Order, plan: Plan, at: datetime) -> Switch:
    """Resolve REGULAR into UPGRADE or DOWNGRADE and work out start and credit."""
    kind = data.contract_switch_type
    if kind == ContractSwitchType.REGULAR:
        upgrade = per_day_price(plan.price, plan) >= per_day_price(old.plan_price, old)
        kind = ContractSwitchType.UPGRADE if upgrade else ContractSwitchType.DOWNGRADE
    if kind == ContractSwitchType.DOWNGRADE:
        return Switch(kind, old, start_date=_next_payment_date(old, at), credit=ZERO)
    if kind == ContractSwitchType.UPGRADE:
        if old.currency != plan.currency:
            raise FieldError(FIELD, "is in another currency than the plan: nothing to credit")
        return Switch(kind, old, start_date=None, credit=upgrade_credit(old, at))
    return Switch(kind, old, start_date=None, credit=ZERO)


def per_day_price(price: Decimal, priced) -> Decimal:
    """Price per day of a plan or an order (its cycle, or its whole duration if one payment).

    A single payment for an unlimited time costs nothing per day: any plan with a price per
    day is an upgrade from it.
    """
    if priced.pricing_model == PricingModel.SINGLE_PAYMENT_UNLIMITED:
        return ZERO
    days = DAYS_PER_UNIT[priced.duration_unit] * (priced.duration_count or 1)
    return Decimal(price) / days


def upgrade_credit(old: Order, at: datetime) -> Decimal:
    """The unused part of the old order's current cycle times what that cycle cost.

    Nothing is credited for a free trial, an unpaid order or a cycle without an end.
    """
    cycle = current_cycle(old, at)
    if (
        cycle is None
        or cycle.ended_date is None
        or cycle.index == 0
        or old.last_payment_status != PaymentStatus.PAID
    ):
        return ZERO
    length = (cycle.ended_date - cycle.started_date).total_seconds()
    unused = max((cycle.ended_date - at).total_seconds(), 0)
    fraction = Decimal(str(unused)) / Decimal(str(length)) if length > 0 else ZERO
    return quantize(cycle_price(old, cycle.index) * fraction, old.currency)


def cycle_price(order: Order, index: int) -> Decimal:
    """What cycle ``index`` of the order costs, from its spanned prices (wire form)."""
    for spanned in order.prices or []:
        duration = spanned.get("duration", {})
        first = duration.get("cycleFrom", 1)
        count = duration.get("numberOfCycles")
        if first <= index and (count is None or index < first + count):
            return Decimal(spanned["price"]["total"])
    return Decimal(order.total)


def _next_payment_date(old: Order, at: datetime) -> datetime:
    cycle = current_cycle(old, at)
    if cycle is None or cycle.ended_date is None:
        raise FieldError(FIELD, "has no next payment date to switch at", rule="INVALID")
    return cycle.ended_date
