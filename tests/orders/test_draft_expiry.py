"""An online draft unpaid for TALLY_DRAFT_TTL is canceled by the clock, giving back what it held."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from accounts.actors import Actor
from orders.errors import PurchaseLimitReached
from orders.models import Coupon
from orders.services.catalogue import coupon_upsert
from orders.services.checkout import order_create_online
from orders.services.clock import clock_run
from tests.orders.conftest import first_invoice, refreshed


def test_an_unpaid_draft_is_canceled_after_48_hours_as_a_failed_payment_setup(clock, online_order):
    # given a draft nobody pays
    order = online_order(pay=False)
    number = first_invoice(order).number
    # when 48 hours pass
    clock.advance(hours=47)
    assert clock_run() == 0
    clock.advance(hours=1)
    assert clock_run() == 1
    # then it is canceled, its invoice void under the same number, on the timeline and announced
    done = refreshed(order)
    assert (done.status, done.cancellation_cause, done.last_payment_status) == (
        "CANCELED",
        "PAYMENT_SETUP_FAILURE",
        "UNPAID",
    )
    invoice = first_invoice(order)
    assert (invoice.status, invoice.number) == ("VOID", number)
    entry = done.timeline.order_by("at", "id").last()
    assert (entry.action, entry.actor_kind, entry.status_before) == ("canceled", "CLOCK", "DRAFT")
    events = list(done.events.order_by("sequence").values_list("slug", flat=True))
    assert events[-2:] == ["updated", "canceled"]


def test_an_expired_draft_frees_its_purchase_limit_place_and_its_coupon_use(
    clock, member, plan_factory
):
    # given a plan each buyer may hold once and a coupon usable once, held by a draft
    plan = plan_factory(purchase_limit=1)
    coupon_upsert(code="ONCE", discount_type="PERCENT", value=Decimal(50), usage_limit=1)
    buy = lambda: order_create_online(  # noqa: E731
        plan=plan, buyer=member, actor=Actor.member(member), coupon_code="ONCE"
    )
    buy()
    with pytest.raises(PurchaseLimitReached):
        buy()
    # when the draft expires
    clock.advance(hours=48)
    clock_run()
    # then the coupon's use is given back and the buyer may buy again, with the coupon
    assert Coupon.objects.get(code="ONCE").times_used == 0
    assert buy().status == "DRAFT"


def test_the_draft_lifetime_is_a_setting(clock, online_order, settings):
    settings.TALLY_DRAFT_TTL = "2h"
    order = online_order(pay=False)
    clock.advance(timedelta(hours=2))
    clock_run()
    assert refreshed(order).status == "CANCELED"


def test_a_paid_draft_never_expires(clock, online_order):
    order = online_order(pay=True, cycle_count=0)
    clock.advance(hours=72)
    clock_run()
    assert refreshed(order).status == "ACTIVE"
