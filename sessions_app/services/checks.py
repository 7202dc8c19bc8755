"""The checkout checks a session runs at create and again at submit.

Plan, buyer, coupon, start date and purchase limit are the orders rules (``orders.services
.checkout``); the session adds only its own: the coupon count and the switch fields.
"""

from __future__ import annotations

from accounts.models import User
from config import clock
from config.queries import unique_or_none
from orders.errors import MemberNotFound, PlanNotFound
from orders.models import Plan
from orders.selectors import member_find
from orders.services.checkout import order_checkout_check
from sessions_app.data import SessionData
from sessions_app.errors import MoreThanOneCoupon
from sessions_app.services.switching import switch_decide, switch_from_order


def coupon_count_check(coupon_codes: list | tuple) -> None:
    """The seed's MoreThanOneCouponException: a session takes 0 or 1 coupon code."""
    if len(coupon_codes) > 1:
        raise MoreThanOneCoupon()


def checkout_subjects(data: SessionData) -> tuple[Plan, User]:
    """The plan and the buyer the session names (400 with the orders codes when unknown)."""
    plan = unique_or_none(Plan.objects.filter(pk=data.plan_id))
    if plan is None:
        raise PlanNotFound(status=400)
    buyer = member_find(data.member_id)
    if buyer is None:
        raise MemberNotFound()
    return plan, buyer


def checkout_check(data: SessionData) -> None:
    """Everything a submit would refuse, checked now and stored nowhere."""
    coupon_count_check(data.coupon_codes)
    plan, buyer = checkout_subjects(data)
    old = switch_from_order(data, buyer)
    if old is not None:
        switch_decide(data, old=old, plan=plan, at=clock.now())
    order_checkout_check(
        plan=plan, buyer=buyer, start_date=data.start_date, coupon_code=data.coupon_code
    )
